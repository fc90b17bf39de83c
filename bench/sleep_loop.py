"""sleep_loop.py - what classroom implementations do, for launch/bench.sh.

usage: python3 sleep_loop.py RATE DURATION SPEED LOG

A machine's loop as it is usually written in Python: sleep one tick
period, do the tick, write one CSV row and flush it, again. The time a
tick takes (and the sleep's own overshoot) adds to the next one, so the
ticks fall behind an absolute schedule; launch/bench.sh measures its CPU
and how late its last tick is beside an lclock machine and the C loop.
Rows use lclock's CSV format (an internal event per tick).
"""
import math
import sys
import time

HEADER = "time,machine,event,tick,clock,queue,peer,msg,msg_clock\n"


def main():
    rate, duration, speed = (float(v) for v in sys.argv[1:4])
    ticks = math.floor(rate * duration)
    period = 1.0 / (rate * speed)
    with open(sys.argv[4], "x") as log:
        log.write(HEADER)
        log.write(f"{time.time():.6f},1,start,0,0,0,,,\n")
        log.flush()
        for tick in range(1, ticks + 1):
            time.sleep(period)
            log.write(f"{time.time():.6f},1,internal,{tick},{tick},0,,,\n")
            log.flush()
        log.write(f"{time.time():.6f},1,stop,{ticks},{ticks},0,,,\n")


if __name__ == "__main__":
    main()
