/*  lc_config.c - command line + cluster file -> one config struct.

    The layers of settings (lc_setting.c) are applied in order, so a later
    one wins: the defaults, then the cluster section of the cluster file,
    then this machine's section of it, then the command line (docs/cli.md).
    With --cluster the run-wide settings (duration, speed, roll, the
    peers) come from the file only: giving them on the command line as
    well is refused. What is checked across layers is checked here: --id
    is given, a certificate and a trust folder go together (from the
    file, or --cert and --trust over it), the peers.

    Every error is one line on stderr: `lclock machine: --OPTION: ...` or
    `lclock machine: FILE: [machine ID: ]KEY: ...`.
*/
#include "lc_config.h"
#include "lc_alloc.h"
#include "lc_cli.h"

#include <assert.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define S_PROGRAM       "lclock machine"    //  prefix of our errors

static const lc_where_t s_where = { S_PROGRAM, NULL, 0 };


void
lc_config_defaults (lc_config_t *config)
{
    assert (config);
    //  Every field zeroed but the peers past peer_count, which nothing
    //  reads: the peer table is most of the config's 280 KB, and a config
    //  fresh from lc_calloc keeps those pages untouched, off the machine's
    //  memory
    size_t used = config->peer_count < LC_PEERS_MAX ? config->peer_count : LC_PEERS_MAX;
    memset (config->peers, 0, used * sizeof config->peers [0]);
    size_t peers_from = offsetof (lc_config_t, peers);
    size_t peers_to = peers_from + sizeof config->peers;
    memset (config, 0, peers_from);
    memset ((char *) config + peers_to, 0, sizeof *config - peers_to);
    lc_layer_t defaults;
    lc_layer_defaults (&defaults);
    lc_layer_apply (&defaults, config);
}

static int
s_peer_compare (const void *a, const void *b)
{
    uint32_t id_a = ((const lc_peer_t *) a)->id;
    uint32_t id_b = ((const lc_peer_t *) b)->id;
    return (id_a > id_b) - (id_a < id_b);
}

//  Without --cluster: the peers are the --peer options, sorted and checked
static int
s_peers_from_cli (lc_config_t *config, const lc_cli_t *cli)
{
    config->peer_count = cli->peer_count;
    for (size_t i = 0; i < cli->peer_count; i++) {
        config->peers [i].id = cli->peers [i].peer.id;
        strcpy (config->peers [i].endpoint, cli->peers [i].peer.endpoint);
    }
    qsort (config->peers, config->peer_count, sizeof config->peers [0], s_peer_compare);
    for (size_t i = 0; i < config->peer_count; i++) {
        const lc_peer_t *peer = &config->peers [i];
        if (peer->id == config->id) {
            lc_where_error (&s_where, "--peer: %" PRIu32 " is this machine's own --id; "
                            "list only the other machines", peer->id);
            return -1;
        }
        if (i > 0 && peer->id == config->peers [i - 1].id) {
            lc_where_error (&s_where, "--peer: machine %" PRIu32 " given twice; give "
                            "each peer once", peer->id);
            return -1;
        }
        for (size_t j = 0; j < i; j++)
            if (streq (peer->endpoint, config->peers [j].endpoint)) {
                lc_where_error (&s_where, "--peer: machines %" PRIu32 " and %" PRIu32
                                " have the same endpoint '%s'; each machine needs its own",
                                config->peers [j].id, peer->id, peer->endpoint);
                return -1;
            }
    }
    return 0;
}

//  With --cluster: the peers are every other machine of the file
static void
s_peers_from_cluster (lc_config_t *config, const lc_cluster_t *cluster)
{
    config->peer_count = 0;
    for (size_t i = 0; i < cluster->member_count; i++) {
        const lc_member_t *member = &cluster->members [i];
        if (member->id != config->id) {
            lc_peer_t *peer = &config->peers [config->peer_count++];
            peer->id = member->id;
            strcpy (peer->endpoint, lc_member_text (member, LC_SETTING_ENDPOINT));
        }
    }
}

//  With --cluster: the run-wide settings are not on the command line, the
//  file's layers go under it
static int
s_cluster_layers (lc_config_t *config, const lc_cli_t *cli)
{
    for (int setting = 0; setting < LC_SETTING_COUNT; setting++) {
        const lc_setting_info_t *info = lc_setting_info (setting);
        if (info->run_wide && lc_layer_has (&cli->layer, setting)) {
            lc_where_error (&s_where, "--%s: with --cluster the %s comes from the "
                            "cluster file only; drop --%s or --cluster",
                            info->name, info->run_wide, info->name);
            return -1;
        }
    }
    lc_cluster_t *cluster = lc_cluster_load (config->cluster, S_PROGRAM);
    if (!cluster)
        return -1;
    const lc_member_t *self = lc_cluster_member (cluster, config->id);
    if (!self) {
        lc_where_t where = { S_PROGRAM, config->cluster, 0 };
        lc_where_error (&where, "no machine %" PRIu32 " (--id %" PRIu32 "); add a "
                        "'machine = %" PRIu32 "' section or fix --id",
                        config->id, config->id, config->id);
        lc_cluster_destroy (&cluster);
        return -1;
    }
    lc_layer_apply (&cluster->layer, config);
    lc_layer_apply (&self->layer, config);
    s_peers_from_cluster (config, cluster);
    lc_cluster_destroy (&cluster);
    return 0;
}

//  --cert and --trust go together; with a cluster file that turns CURVE
//  on, either may replace the file's for this machine
static int
s_curve_check (const lc_config_t *config)
{
    bool cert = *config->cert != 0;
    bool trust = *config->trust != 0;
    if (cert != trust) {
        lc_where_error (&s_where, "%s: given without %s; CURVE needs both --cert FILE "
                        "and --trust DIR", cert? "--cert": "--trust",
                        cert? "--trust": "--cert");
        return -1;
    }
    return 0;
}

//  The layers under the command line's, and what is checked across them
static int
s_layers (lc_config_t *config, const lc_cli_t *cli)
{
    if (!lc_layer_has (&cli->layer, LC_SETTING_ID)) {
        lc_where_error (&s_where, "--id: missing; every machine needs its id (%d to %d), "
                        "e.g. --id 1", LC_ID_MIN, LC_ID_MAX);
        return -1;
    }
    //  The command line first alone: its id and cluster file say which
    //  layers go under it
    lc_layer_apply (&cli->layer, config);
    if (*config->cluster) {
        if (s_cluster_layers (config, cli))
            return -1;
        lc_layer_apply (&cli->layer, config);
        return s_curve_check (config);
    }
    if (s_curve_check (config))
        return -1;
    if (!lc_layer_has (&cli->layer, LC_SETTING_BIND)) {
        lc_where_error (&s_where, "--bind: missing; without --cluster give the "
                        "endpoint to bind, e.g. --bind tcp://*:5551");
        return -1;
    }
    return s_peers_from_cli (config, cli);
}

int
lc_config_parse (lc_config_t *config, int argc, char *argv [])
{
    assert (config);
    assert (argc >= 1);
    lc_config_defaults (config);
    lc_cli_t *cli = lc_calloc (1, sizeof *cli);
    int rc = lc_cli_read (cli, argc, argv);
    if (rc == 1)
        lc_cli_usage (stdout);
    else
    if (rc == 0)
        rc = s_layers (config, cli);
    free (cli);
    return rc;
}
