/*  lc_cluster.c - the cluster file: ZPL text -> checked layers of settings.

    The cluster file (docs/cli.md) is ZPL, read with czmq's zconfig:

        cluster
            duration = 60        # model seconds
            speed = 1
            roll = 10
            rate = 1-6
            seed = 42
            trust = /etc/lclock/trust   # CURVE: with a cert per machine
            machine = 1
                endpoint = tcp://192.168.1.10:5551
                host = lab1
                cert = /etc/lclock/machine-1.cert_secret
            machine = 3
                endpoint = tcp://lab3.local:5551
                bind = tcp://0.0.0.0:5551
                cert = /etc/lclock/machine-3.cert_secret

    The text is checked line by line against zconfig's grammar before
    zconfig reads it (lc_zpl.c), so every syntax error is one line naming
    the file and the line.

    The keys of each section are the settings of lc_setting.c allowed
    there; each section becomes one layer. Every error is one line on
    stderr: `PROGRAM: FILE: [machine ID: ]KEY: ...` or `PROGRAM: FILE:
    line N: ...`.
*/
#include "lc_cluster.h"
#include "lc_alloc.h"
#include "lc_endpoint.h"
#include "lc_zpl.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define S_NAMES_MAX     256     //  bytes of a list of key names


//  --------------------------------------------------------------------------
//  Sections -> layers

//  Reads the key = value children of a section into layer. The `machine`
//  children of the cluster section are skipped.
static int
s_section_read (const lc_where_t *where, zconfig_t *section, unsigned scope,
                lc_layer_t *layer)
{
    memset (layer, 0, sizeof *layer);
    for (zconfig_t *item = zconfig_child (section); item; item = zconfig_next (item)) {
        const char *name = zconfig_name (item);
        if (!where->machine && streq (name, "machine"))
            continue;
        int setting = lc_setting_find (name, scope);
        if (setting < 0) {
            char quoted [LC_QUOTE_MAX];
            char names [S_NAMES_MAX];
            lc_setting_names (scope, where->machine? NULL: "machine", names, sizeof names);
            lc_where_error (where, "unknown key '%s' (expected %s)",
                            lc_value_quote (name, quoted, sizeof quoted), names);
            return -1;
        }
        if (!lc_layer_has (layer, setting) && zconfig_child (item)) {
            lc_where_error (where, "%s: has indented lines under it; a key holds "
                            "one value, on its own line", name);
            return -1;
        }
        if (lc_layer_read (layer, setting, where, name, zconfig_value (item)))
            return -1;
    }
    return 0;
}

//  Reads one `machine = ID` section into a new member
static int
s_member_read (lc_cluster_t *self, const lc_where_t *cluster_where, zconfig_t *item)
{
    lc_value_t id;
    if (lc_value_check (cluster_where, "machine", LC_KIND_ID, zconfig_value (item), &id))
        return -1;
    lc_where_t where = *cluster_where;
    where.machine = id.whole;
    if (lc_cluster_member (self, id.whole)) {
        lc_where_error (&where, "appears twice; machine ids are unique in a run");
        return -1;
    }
    if (self->member_count == LC_MACHINES_MAX) {
        lc_where_error (&where, "one machine too many; a run has at most %d",
                        LC_MACHINES_MAX);
        return -1;
    }
    lc_member_t *member = &self->members [self->member_count];
    memset (member, 0, sizeof *member);
    if (s_section_read (&where, item, LC_SCOPE_MACHINE, &member->layer))
        return -1;
    if (!lc_layer_has (&member->layer, LC_SETTING_ENDPOINT)) {
        lc_where_error (&where, "endpoint is missing; add the endpoint its peers "
                        "connect to, e.g. endpoint = tcp://192.168.1.10:5551");
        return -1;
    }
    member->id = id.whole;
    self->member_count++;
    return 0;
}

//  Gives a setting the member has no key for its default, kept in member
static void
s_member_default (lc_member_t *member, lc_setting_t setting, const char *text)
{
    member->layer.given |= 1u << setting;
    member->layer.values [setting].text = text;
}

//  Fills in the default bind and host; after sorting, as they point into
//  the member itself
static void
s_member_defaults (lc_member_t *member)
{
    const char *endpoint = lc_member_text (member, LC_SETTING_ENDPOINT);
    if (!lc_layer_has (&member->layer, LC_SETTING_BIND)) {
        lc_endpoint_default_bind (endpoint, member->default_bind);
        s_member_default (member, LC_SETTING_BIND, member->default_bind);
    }
    if (!lc_layer_has (&member->layer, LC_SETTING_HOST)) {
        lc_endpoint_default_host (endpoint, member->default_host);
        s_member_default (member, LC_SETTING_HOST, member->default_host);
    }
}

static int
s_member_compare (const void *a, const void *b)
{
    uint32_t id_a = ((const lc_member_t *) a)->id;
    uint32_t id_b = ((const lc_member_t *) b)->id;
    return (id_a > id_b) - (id_a < id_b);
}

//  Finds the one `cluster` section at the top of the file
static zconfig_t *
s_cluster_section (const lc_where_t *where, zconfig_t *root)
{
    zconfig_t *section = NULL;
    char quoted [LC_QUOTE_MAX];
    for (zconfig_t *item = zconfig_child (root); item; item = zconfig_next (item)) {
        if (!streq (zconfig_name (item), "cluster")) {
            lc_where_error (where, "unknown section '%s'; the file holds one "
                            "'cluster' section",
                            lc_value_quote (zconfig_name (item), quoted, sizeof quoted));
            return NULL;
        }
        if (section) {
            lc_where_error (where, "cluster: appears twice; one file describes one run");
            return NULL;
        }
        section = item;
    }
    if (!section) {
        lc_where_error (where, "no 'cluster' section; the file starts with a line 'cluster'");
        return NULL;
    }
    if (*zconfig_value (section)) {
        lc_where_error (where, "cluster: takes no value, got '%s'; the settings go on "
                        "indented lines under it",
                        lc_value_quote (zconfig_value (section), quoted, sizeof quoted));
        return NULL;
    }
    return section;
}

//  Two machines may not share an endpoint
static int
s_endpoints_check (const lc_cluster_t *self, const lc_where_t *where)
{
    for (size_t i = 0; i < self->member_count; i++) {
        const char *endpoint = lc_member_text (&self->members [i], LC_SETTING_ENDPOINT);
        for (size_t j = 0; j < i; j++)
            if (streq (endpoint, lc_member_text (&self->members [j], LC_SETTING_ENDPOINT))) {
                lc_where_t member_where = *where;
                member_where.machine = self->members [i].id;
                lc_where_error (&member_where, "endpoint: '%s' is machine %" PRIu32
                                "'s too; each machine needs its own",
                                endpoint, self->members [j].id);
                return -1;
            }
    }
    return 0;
}

//  CURVE is on for the run when `trust` and every machine's `cert` are
//  given: some but not all is an error
static int
s_curve_check (const lc_cluster_t *self, const lc_where_t *where)
{
    bool trust = lc_layer_has (&self->layer, LC_SETTING_TRUST);
    for (size_t i = 0; i < self->member_count; i++) {
        const lc_member_t *member = &self->members [i];
        bool cert = lc_layer_has (&member->layer, LC_SETTING_CERT);
        lc_where_t member_where = *where;
        member_where.machine = member->id;
        if (trust && !cert) {
            lc_where_error (&member_where, "cert is missing; with trust every machine "
                            "needs its secret certificate (CURVE), e.g. cert = "
                            "keys/machine-%" PRIu32 ".cert_secret made by 'lclock keygen %"
                            PRIu32 " keys'", member->id, member->id);
            return -1;
        }
        if (cert && !trust) {
            lc_where_error (where, "trust is missing; machine %" PRIu32 " has a cert, "
                            "and CURVE needs the folder of every machine's public "
                            "certificate too, e.g. trust = keys/trust (or drop every cert)",
                            member->id);
            return -1;
        }
    }
    return 0;
}

//  Reads the checked tree into self
static int
s_cluster_read (lc_cluster_t *self, const lc_where_t *where)
{
    zconfig_t *section = s_cluster_section (where, self->root);
    if (!section
    ||  s_section_read (where, section, LC_SCOPE_CLUSTER, &self->layer))
        return -1;
    for (zconfig_t *item = zconfig_child (section); item; item = zconfig_next (item))
        if (streq (zconfig_name (item), "machine")
        &&  s_member_read (self, where, item))
            return -1;
    if (self->member_count == 0) {
        lc_where_error (where, "cluster: no machine sections; add one 'machine = ID' "
                        "section per machine");
        return -1;
    }
    qsort (self->members, self->member_count, sizeof self->members [0], s_member_compare);
    for (size_t i = 0; i < self->member_count; i++)
        s_member_defaults (&self->members [i]);
    return s_endpoints_check (self, where) || s_curve_check (self, where)? -1: 0;
}


//  --------------------------------------------------------------------------
//  The cluster

lc_cluster_t *
lc_cluster_load (const char *path, const char *program)
{
    assert (path);
    assert (program);
    lc_where_t where = { program, path, 0 };
    zconfig_t *root = lc_zpl_load (&where, "cluster file");
    if (!root)
        return NULL;
    lc_cluster_t *self = lc_calloc (1, sizeof *self);
    self->root = root;
    if (s_cluster_read (self, &where))
        lc_cluster_destroy (&self);
    return self;
}

void
lc_cluster_destroy (lc_cluster_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        zconfig_destroy (&(*self_p)->root);
        free (*self_p);
        *self_p = NULL;
    }
}

const lc_member_t *
lc_cluster_member (const lc_cluster_t *self, uint32_t id)
{
    assert (self);
    for (size_t i = 0; i < self->member_count; i++)
        if (self->members [i].id == id)
            return &self->members [i];
    return NULL;
}

bool
lc_cluster_curve (const lc_cluster_t *self)
{
    assert (self);
    return lc_layer_has (&self->layer, LC_SETTING_TRUST);
}

const char *
lc_member_text (const lc_member_t *member, lc_setting_t setting)
{
    assert (member);
    return lc_layer_has (&member->layer, setting)? member->layer.values [setting].text: NULL;
}

//  A member's value that lc_cluster_load guarantees: host always (filled
//  in from the endpoint when not given), cert when CURVE is on
static const char *
s_member_given (const lc_member_t *member, lc_setting_t setting)
{
    const char *text = lc_member_text (member, setting);
    assert (text);
    return text;
}

void
lc_cluster_print (const lc_cluster_t *self, FILE *out)
{
    assert (self);
    assert (out);
    const lc_layer_t *layer = &self->layer;
    fprintf (out, "run %.17g %.17g\n",
             lc_layer_value (layer, LC_SETTING_DURATION)->real,
             lc_layer_value (layer, LC_SETTING_SPEED)->real);
    fprintf (out, "roll %" PRIu32 "\n", lc_layer_value (layer, LC_SETTING_ROLL)->whole);
    if (lc_layer_has (layer, LC_SETTING_RATE))
        fprintf (out, "rate %s\n", layer->values [LC_SETTING_RATE].text);
    if (lc_layer_has (layer, LC_SETTING_SEED))
        fprintf (out, "seed %" PRIu64 "\n", layer->values [LC_SETTING_SEED].seed);
    if (lc_cluster_curve (self)) {
        fprintf (out, "trust %s\n", layer->values [LC_SETTING_TRUST].text);
        for (size_t i = 0; i < self->member_count; i++)
            fprintf (out, "cert %" PRIu32 " %s\n", self->members [i].id,
                     s_member_given (&self->members [i], LC_SETTING_CERT));
    }
    for (size_t i = 0; i < self->member_count; i++)
        fprintf (out, "machine %" PRIu32 " %s\n", self->members [i].id,
                 s_member_given (&self->members [i], LC_SETTING_HOST));
}

int
lc_cluster_main (int argc, char *argv [])
{
    if (argc == 2 && (streq (argv [1], "--help") || streq (argv [1], "-h"))) {
        printf ("usage: lclock cluster FILE\n\n"
                "Checks a cluster file as 'lclock machine --cluster' does and prints\n"
                "its run settings and machines, one per line (launch/runlan.sh reads\n"
                "them):\n\n"
                "  run DURATION SPEED\n"
                "  roll K\n"
                "  rate SPEC          the cluster's rate as written, if given\n"
                "  seed N             the cluster's seed, if given\n"
                "  trust DIR          with CURVE: the trust folder\n"
                "  cert ID PATH       with CURVE: per machine, its secret certificate\n"
                "  machine ID HOST    per machine, ascending by id\n\n"
                "Exit status 0, or 2 after a one-line error naming the file and the key.\n");
        return LC_EXIT_OK;
    }
    if (argc != 2 || argv [1][0] == '-') {
        fprintf (stderr, "lclock cluster: expected FILE (try 'lclock cluster --help')\n");
        return LC_EXIT_USAGE;
    }
    lc_cluster_t *cluster = lc_cluster_load (argv [1], "lclock cluster");
    if (!cluster)
        return LC_EXIT_USAGE;
    lc_cluster_print (cluster, stdout);
    lc_cluster_destroy (&cluster);
    return LC_EXIT_OK;
}
