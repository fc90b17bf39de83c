#   Three hosts of a lab, one model machine each (docs/lan.md).
#   The same file on every host; check it with: lclock cluster cluster-lan.zpl
#   Run it from one computer with passwordless ssh to lab1..lab3:
#       lclock-runlan cluster-lan.zpl
#   or by hand on each host: lclock machine --cluster cluster-lan.zpl --id N
cluster
    duration = 300          # model seconds
    speed = 1
    roll = 10
    rate = 1-6              # each machine draws its rate from 1..6
    machine = 1
        endpoint = tcp://192.168.1.10:5551
        host = lab1         # where lclock-runlan starts it (ssh lab1)
    machine = 2
        endpoint = tcp://192.168.1.11:5551
        host = lab2
    machine = 3
        endpoint = tcp://192.168.1.12:5551
        host = lab3
