/*  lclock.h - public umbrella header: version, limits, defaults.

    lclock is a scale model of a small asynchronous distributed system:
    one process per model machine, Lamport clocks, ZeroMQ PUSH/PULL links.
    docs/ is the contract for every format and exit code named here.
*/
#ifndef LCLOCK_H_INCLUDED
#define LCLOCK_H_INCLUDED

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

//  The version is project ()'s in CMakeLists.txt, the one the .deb carries
#ifndef LCLOCK_VERSION
#   error "LCLOCK_VERSION comes from project () in CMakeLists.txt"
#endif

//  Exit statuses (docs/cli.md and docs/analysis.md)
#define LC_EXIT_OK              0   //  ran to the end, or all checks hold
#define LC_EXIT_FAILURE         1   //  runtime failure, or a check failed
#define LC_EXIT_USAGE           2   //  usage or configuration error
#define LC_EXIT_START_TIMEOUT   3   //  a peer never appeared
#define LC_EXIT_INTERRUPTED     130 //  stopped by SIGINT or SIGTERM before
                                    //  its output was whole (as 128 + SIGINT)

//  Limits
#define LC_ID_MIN               1       //  smallest machine id
#define LC_ID_MAX               65535   //  largest machine id
#define LC_PEERS_MAX            1023    //  peers of one machine (a run of 1024)
#define LC_RATE_MAX             1000000 //  ticks per model second
#define LC_ROLL_MAX             1000000 //  largest roll K
#define LC_SEED_MAX             ((uint64_t) INT64_MAX)  //  seeds are JSON
                                    //  integers in the summary: signed 64 bit
#define LC_CLOCK_MAX            ((uint64_t) 1 << 62)    //  clocks above are bad input
#define LC_ENDPOINT_MAX         256     //  bytes of one endpoint string
#define LC_PORT_MIN             1       //  tcp port of an endpoint: 0 and `*`
#define LC_PORT_MAX             65535   //  (any port) are refused
#define LC_QUEUE_MAX            (1u << 22)  //  receive buffer cap; the reader
                                            //  stops draining beyond it

//  Ranges of the command line and cluster file (lc_config.c, docs/cli.md)
#define LC_RATE_MIN             1       //  slowest tick rate, ticks per model second
#define LC_ROLL_MIN             1       //  smallest roll K; K < 3 leaves out
                                        //  the outcomes above K (K = 3: no
                                        //  internal events)
#define LC_DURATION_MAX         1e9     //  model seconds; rate * duration stays
                                        //  an exact integer in a double
#define LC_SPEED_MIN            1e-6    //  model seconds per wall second
#define LC_SPEED_MAX            1e6
#define LC_START_TIMEOUT_MAX    1e9     //  wall seconds
#define LC_MACHINES_MAX         (LC_PEERS_MAX + 1)  //  machines in a cluster file
#define LC_HOST_MAX             256     //  bytes of a cluster file `host`
#define LC_CLUSTER_FILE_MAX     (1024 * 1024)   //  bytes of a cluster file
#define LC_ZPL_LINE_MAX         1024    //  bytes of a cluster file line: no
                                        //  key's value needs a longer one
#define LC_LABEL_MAX            64      //  bytes of a run label (run.json)
#define LC_ERROR_VALUE_MAX      64      //  bytes of a bad value quoted in an
                                        //  error message

//  Defaults (docs/model.md and docs/cli.md)
#define LC_DEFAULT_RATE_MIN     1       //  rates drawn from 1..6
#define LC_DEFAULT_RATE_MAX     6
#define LC_DEFAULT_ROLL         10      //  roll 1..10
#define LC_DEFAULT_DURATION     60.0    //  model seconds
#define LC_DEFAULT_SPEED        1.0     //  model seconds per wall second
#define LC_DEFAULT_START_TIMEOUT 30.0   //  wall seconds; 0 waits forever
#define LC_DEFAULT_LOG_DIR      "."

//  Simulator (lclock simulate, docs/simulate.md)
#define LC_SIM_ORIGIN_US        1000000000000000LL  //  model time 0 in the
                                    //  logs: 1000000000.000000 (2001-09-09
                                    //  01:46:40 UTC), a fixed, round origin
#define LC_DELAY_MAX_MS         1e9     //  largest value of a delay model
#define LC_DEFAULT_DELAY        "0.1"   //  model ms; near a loopback delivery
#define LC_TRIALS_MAX           1000000 //  runs of one `lclock simulate`
#define LC_SIM_LOG_BUFFER       (32 * 1024)     //  bytes buffered per log

//  Timing (wall milliseconds unless named otherwise)
#define LC_LATE_TICK_US         1000    //  a tick later than this is late
#define LC_ANNOUNCE_MS          100     //  announcement period at start
#define LC_READY_REFRESH        10      //  READY again to ready peers every
                                        //  this many announcement periods
#define LC_HANDSHAKE_MS         300000  //  an incoming connection's ZMTP
                                        //  handshake may take this long
#define LC_BACKLOG_BASE         100     //  listen backlog besides one per
                                        //  peer (100: libzmq's default)
#define LC_GRACE_MS             1000    //  drain after stop, not scaled
#define LC_END_DELAY_MS         50      //  after the run's end, the stop
#define LC_END_DELAY_PEER_MS    2       //  waits this long, and this much
                                        //  more per peer, for the peers'
                                        //  last ticks: their starts spread
                                        //  with the mesh (up to 240 ms at 128)
#define LC_REFUSE_LINGER_MS     1000    //  a machine refusing a peer of
                                        //  another protocol version answers
                                        //  this long before it exits
#define LC_REFUSE_WAIT_MS       10000   //  a machine refusing a peer's run
                                        //  settings waits this long at most
                                        //  for it to confirm, whatever
                                        //  --start-timeout (0 included)
#define LC_RECONNECT_MS         20      //  ZMQ reconnect interval
#define LC_RECONNECT_MAX_MS     200     //  ZMQ reconnect back-off cap
#define LC_LINGER_MS            2000    //  linger at close: queued data goes
#define LC_SNDHWM               10000   //  messages queued per peer at most
#define LC_ACK_MS               100     //  acknowledgements to a peer at most
                                        //  this often (and at once when it
                                        //  appears)
#define LC_ACK_DELAY_MS         (LC_ACK_STALL_MS / 2)   //  while running, a
                                        //  change waits this long for a DATA
                                        //  to ride with
#define LC_ACK_STALL_MS         2000    //  outstanding messages go out again
                                        //  when acks stall this long ...
#define LC_ACK_STALL_MAX_MS     32000   //  ... doubled after each stall that
                                        //  brought no progress, up to this
#define LC_KEPT_MAX             10000   //  messages kept for one peer until
                                        //  it logs them; at the bound, sends
                                        //  to it fail (send_failed)
#define LC_RCVHWM               10000   //  messages queued by ZMQ for us
#define LC_MAXMSGSIZE           1024    //  bytes; bigger drops the connection
#define LC_READ_BATCH           256     //  messages taken per reader call
#define LC_LOG_BUFFER           (1 << 16)   //  bytes of rows a machine holds
                                        //  within one handler call before
                                        //  writing them (at most: written
                                        //  before any message leaves)
#define LC_TICK_BATCH_US        1000    //  ticks behind schedule run back to
                                        //  back for at most the tick period,
                                        //  and at least this long ...
#define LC_SIGNAL_MS            100     //  ... and at most this long, before
                                        //  signals and messages get a turn
#define LC_SOCKETS_BASE         32      //  ZeroMQ sockets besides the peers'
#define LC_SOCKETS_PER_PEER     3       //  PUSH, its monitor, libzmq's end of it
#define LC_FDS_BASE             64      //  file descriptors besides the peers'
#define LC_FDS_PER_PEER         5       //  3 sockets, a connection out and in
#define LC_REPORT_EVERY_MS      1000    //  bad-input reports on stderr at most
                                        //  once per this period

//  Analyzer (lclock analyze, docs/analysis.md)
#define LC_ANALYZE_MACHINES_MAX 4096    //  machine-*.csv files in one run dir
#define LC_FAILURES_KEPT        1000    //  failures listed; all are counted
#define LC_FAILURE_TEXT_MAX     200     //  bytes of one failure's text
#define LC_REPORT_FAILURES_MAX  50      //  failures printed to stdout/report.md
#define LC_JUMP_BINS            1024    //  exact jump-size bins; larger ones
                                        //  share one overflow bin
#define LC_SEQ_BITMAP_MAX       ((uint64_t) 1 << 28)   //  bits of one
                                        //  (recipient, sender) received-seq
                                        //  bitmap; higher seqs skip it
#define LC_PLOT_POINTS          2000    //  samples per machine in the plots
#define LC_WINDOW_EVENTS_MAX    100000  //  events and arrows kept for the
                                        //  space-time diagram
#define LC_DEFAULT_WINDOW_FROM  0.0     //  model seconds
#define LC_DEFAULT_WINDOW_TO    5.0
#define LC_PERCENTILE_HIGH      0.99    //  message age "p99"
#define LC_STOP_REASON_MAX      32      //  bytes of a JSON stop_reason

#endif
