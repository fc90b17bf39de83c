# tests/lib/logcheck.awk - an independent check of a run's CSV logs, for
# the machine's run tests (the analyzer has its own, in C):
#   awk -F, -f logcheck.awk RUN/machine-*.csv
# Row shape, time and tick order, nothing but a start after a stop, each
# machine's clock rules row by row, every recv/unread matched to one send
# with the same clock, and every
# message accounted for: received or unread exactly once, or listed
# unacked by its sender, or held by a sender whose log ends without stop.
# Prints "messages M received R unread U unacked A" and exits 1 on any
# failure.
function bad(msg) { print FILENAME ":" FNR ": " msg > "/dev/stderr"; errors++ }
FNR == 1 {
    if ($0 != "time,machine,event,tick,clock,queue,peer,msg,msg_clock") bad("bad header")
    prev_time = 0; prev_tick = 0; clock = -1; me = ""
    next
}
{
    if (NF != 9) { bad("expected 9 columns, got " NF); next }
    if ($1 !~ /^[0-9]+\.[0-9][0-9][0-9][0-9][0-9][0-9]$/) bad("bad time " $1)
    if (me == "") me = $2
    if ($2 != me) bad("machine changes from " me " to " $2)
    if ($1 + 0 < prev_time) bad("time goes back")
    if ($4 + 0 < prev_tick) bad("tick goes back")
    prev_time = $1 + 0; prev_tick = $4 + 0
    ev = $3; c = $5 + 0
    if (last[me] == "stop" && ev != "start") bad(ev " after stop (only start may follow)")
    if (ev == "start") {
        starts[me]++
        if (clock < 0 && c != 0) bad("first start clock " c)
        if (clock >= 0 && c != clock) bad("restart changes clock")
    } else if (ev == "send" || ev == "internal") {
        if (c != clock + 1) bad(ev " clock " c " after " clock)
    } else if (ev == "recv") {
        want = ($9 + 0 > clock ? $9 + 0 : clock) + 1
        if (c != want) bad("recv clock " c ", rule gives " want)
    } else if (ev == "unread" || ev == "unacked" || ev == "stop") {
        if (c != clock) bad(ev " changes the clock")
    } else bad("unknown event " ev)
    clock = c
    if (ev == "send") {
        split($8, id, ":")
        if (id[1] != me) bad("send id " $8 " not of this machine")
        n = split($7, to, ";")
        for (i = 1; i <= n; i++) { sent[$8 "@" to[i]] = $9; messages++ }
    }
    if (ev == "recv" || ev == "unread") {
        key = $8 "@" me
        if (key in got) bad("message " $8 " taken twice")
        got[key] = $9; from[key] = $7
        if (ev == "recv") received++; else unread++
    }
    if (ev == "unacked") {
        split($8, id, ":")
        if (id[1] != me) bad("unacked id " $8 " not of this machine")
        unacked[$8 "@" $7] = $9; unacked_rows++
    }
    last[me] = ev
}
END {
    for (key in got) {
        if (!(key in sent)) { print "no send for " key > "/dev/stderr"; errors++ }
        else if (sent[key] != got[key]) { print "clock differs for " key > "/dev/stderr"; errors++ }
        split(key, k, "@"); split(k[1], id, ":")
        if (id[1] != from[key]) { print "peer column differs for " key > "/dev/stderr"; errors++ }
    }
    for (key in unacked)
        if (!(key in sent) || sent[key] != unacked[key]) { print "unacked " key " matches no send" > "/dev/stderr"; errors++ }
    for (key in sent) {
        split(key, k, "@")
        split(k[1], id, ":")
        # not logged there, not listed unacked, and its sender stopped
        if (!(key in got) && !(key in unacked) && last[id[1]] == "stop") { print "message " key " lost" > "/dev/stderr"; errors++ }
    }
    printf "messages %d received %d unread %d unacked %d\n", messages, received, unread, unacked_rows
    exit errors > 0
}
