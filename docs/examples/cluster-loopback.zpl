#   Three machines on this computer, described as a LAN run would be: a way
#   to try a cluster file, or lclock-runlan, without a second host.
#   Each machine in its own terminal:
#       lclock machine --cluster cluster-loopback.zpl --id 1 --log-dir runs/loop
#       (--id 2 and --id 3 likewise), then: lclock analyze runs/loop
#   Or all at once, the "remote" prefix starting them here:
#       LCLOCK_REMOTE='env LCLOCK_HOST=HOST' lclock-runlan cluster-loopback.zpl
cluster
    duration = 30
    speed = 3               # 30 model seconds in 10 s of wall time
    machine = 1
        endpoint = tcp://127.0.0.1:5551
    machine = 2
        endpoint = tcp://127.0.0.1:5552
    machine = 3
        endpoint = tcp://127.0.0.1:5553
