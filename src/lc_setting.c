/*  lc_setting.c - the one table of settings, and layers of values.

    Each setting is one row: its name (the same as option and as key),
    the kind of its value, where it may be given, whether it is run-wide
    (with --cluster it comes from the file only), its default, and the
    lc_config_t field it sets. The command line (lc_cli.c) and the cluster
    file (lc_cluster.c) read values into layers through this table, and
    lc_config.c applies the layers onto one lc_config_t: nothing is copied
    field by field between in-between structs.
*/
#include "lc_setting.h"

#include <assert.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define S_CLI           LC_SCOPE_COMMAND_LINE
#define S_CLUSTER       LC_SCOPE_CLUSTER
#define S_MACHINE       LC_SCOPE_MACHINE
#define S_FIELD(member) offsetof (lc_config_t, member), sizeof ((lc_config_t *) 0)->member
#define S_NO_FIELD      LC_SETTING_NO_FIELD, 0
#define S_DEFAULT(...)  true, { __VA_ARGS__ }
#define S_NO_DEFAULT    false, { 0 }

//  A layer keeps one bit per setting in an unsigned
_Static_assert (LC_SETTING_COUNT <= 32, "lc_layer_t.given has 32 bits");

static const lc_setting_info_t s_settings [LC_SETTING_COUNT] = {
    [LC_SETTING_ID] = {
        "id", LC_KIND_ID, S_CLI, NULL, S_NO_DEFAULT, S_FIELD (id) },
    [LC_SETTING_CLUSTER] = {
        "cluster", LC_KIND_PATH, S_CLI, NULL, S_NO_DEFAULT, S_FIELD (cluster) },
    [LC_SETTING_DURATION] = {
        "duration", LC_KIND_DURATION, S_CLI | S_CLUSTER, "duration",
        S_DEFAULT (.real = LC_DEFAULT_DURATION), S_FIELD (duration) },
    [LC_SETTING_SPEED] = {
        "speed", LC_KIND_SPEED, S_CLI | S_CLUSTER, "speed",
        S_DEFAULT (.real = LC_DEFAULT_SPEED), S_FIELD (speed) },
    [LC_SETTING_ROLL] = {
        "roll", LC_KIND_ROLL, S_CLI | S_CLUSTER, "roll",
        S_DEFAULT (.whole = LC_DEFAULT_ROLL), S_FIELD (roll) },
    [LC_SETTING_ENDPOINT] = {
        "endpoint", LC_KIND_CONNECT, S_MACHINE, NULL, S_NO_DEFAULT, S_FIELD (endpoint) },
    [LC_SETTING_BIND] = {
        "bind", LC_KIND_BIND, S_CLI | S_MACHINE, NULL, S_NO_DEFAULT, S_FIELD (bind) },
    [LC_SETTING_PEER] = {               //  lc_config.c sorts and keeps peers
        "peer", LC_KIND_PEER, S_CLI, "peer list", S_NO_DEFAULT, S_NO_FIELD },
    [LC_SETTING_RATE] = {
        "rate", LC_KIND_RATE, S_CLI | S_CLUSTER | S_MACHINE, NULL,
        S_DEFAULT (.rate = { LC_DEFAULT_RATE_MIN, LC_DEFAULT_RATE_MAX }),
        S_FIELD (rate_min), offsetof (lc_config_t, rate_max) },
    [LC_SETTING_SEED] = {
        "seed", LC_KIND_SEED, S_CLI | S_CLUSTER | S_MACHINE, NULL, S_NO_DEFAULT,
        S_FIELD (seed), offsetof (lc_config_t, has_seed) },
    [LC_SETTING_HOST] = {               //  for the LAN launcher only
        "host", LC_KIND_HOST, S_MACHINE, NULL, S_NO_DEFAULT, S_NO_FIELD },
    [LC_SETTING_LOG_DIR] = {
        "log-dir", LC_KIND_PATH, S_CLI, NULL,
        S_DEFAULT (.text = LC_DEFAULT_LOG_DIR), S_FIELD (log_dir) },
    [LC_SETTING_START_TIMEOUT] = {
        "start-timeout", LC_KIND_TIMEOUT, S_CLI, NULL,
        S_DEFAULT (.real = LC_DEFAULT_START_TIMEOUT), S_FIELD (start_timeout) },
    [LC_SETTING_CERT] = {
        "cert", LC_KIND_PATH, S_CLI | S_MACHINE, NULL, S_NO_DEFAULT, S_FIELD (cert) },
    [LC_SETTING_TRUST] = {
        "trust", LC_KIND_PATH, S_CLI | S_CLUSTER, NULL, S_NO_DEFAULT, S_FIELD (trust) },
    [LC_SETTING_RESUME] = {
        "resume", LC_KIND_FLAG, S_CLI, NULL, S_NO_DEFAULT, S_FIELD (resume) },
    [LC_SETTING_QUIET] = {
        "quiet", LC_KIND_FLAG, S_CLI, NULL, S_NO_DEFAULT, S_FIELD (quiet) },
    [LC_SETTING_RUN_NONCE] = {          //  a seed's range, and no bool
        "run-nonce", LC_KIND_SEED, S_CLI, NULL, S_NO_DEFAULT,
        S_FIELD (run_nonce), LC_SETTING_NO_FIELD },
    [LC_SETTING_HELP] = {
        "help", LC_KIND_FLAG, S_CLI, NULL, S_NO_DEFAULT, S_NO_FIELD },
};

const lc_setting_info_t *
lc_setting_info (lc_setting_t setting)
{
    assert (setting < LC_SETTING_COUNT);
    return &s_settings [setting];
}

int
lc_setting_find (const char *name, unsigned scope)
{
    for (int setting = 0; setting < LC_SETTING_COUNT; setting++)
        if ((s_settings [setting].scope & scope) && strcmp (s_settings [setting].name, name) == 0)
            return setting;
    return -1;
}

void
lc_setting_names (unsigned scope, const char *last, char *buffer, size_t size)
{
    const char *names [LC_SETTING_COUNT + 1];
    size_t count = 0;
    for (int setting = 0; setting < LC_SETTING_COUNT; setting++)
        if (s_settings [setting].scope & scope)
            names [count++] = s_settings [setting].name;
    if (last)
        names [count++] = last;
    size_t length = 0;
    buffer [0] = 0;
    for (size_t i = 0; i < count && length < size; i++)
        length += snprintf (buffer + length, size - length, "%s%s",
                            i == 0? "": i + 1 == count? " or ": ", ", names [i]);
}

void
lc_layer_defaults (lc_layer_t *self)
{
    assert (self);
    memset (self, 0, sizeof *self);
    for (int setting = 0; setting < LC_SETTING_COUNT; setting++)
        if (s_settings [setting].has_default) {
            self->given |= 1u << setting;
            self->values [setting] = s_settings [setting].fallback;
        }
}

bool
lc_layer_has (const lc_layer_t *self, lc_setting_t setting)
{
    assert (self);
    assert (setting < LC_SETTING_COUNT);
    return (self->given & (1u << setting)) != 0;
}

const lc_value_t *
lc_layer_value (const lc_layer_t *self, lc_setting_t setting)
{
    if (lc_layer_has (self, setting))
        return &self->values [setting];
    if (s_settings [setting].has_default)
        return &s_settings [setting].fallback;
    return NULL;
}

int
lc_layer_read (lc_layer_t *self, lc_setting_t setting, const lc_where_t *where,
               const char *name, const char *text)
{
    assert (self);
    const lc_setting_info_t *info = lc_setting_info (setting);
    if (lc_layer_has (self, setting)
    &&  info->kind != LC_KIND_PEER && info->kind != LC_KIND_FLAG) {
        lc_where_error (where, "%s: given twice; give it once", name);
        return -1;
    }
    if (lc_value_check (where, name, info->kind, text, &self->values [setting]))
        return -1;
    self->given |= 1u << setting;
    return 0;
}

//  Sets the field of one setting to value
static void
s_store (lc_config_t *config, const lc_setting_info_t *info, const lc_value_t *value)
{
    char *base = (char *) config;
    void *field = base + info->field;
    switch (info->kind) {
        case LC_KIND_ID:
        case LC_KIND_ROLL:
            assert (info->size == sizeof (uint32_t));
            *(uint32_t *) field = value->whole;
            break;
        case LC_KIND_RATE:
            assert (info->size == sizeof (uint32_t));
            *(uint32_t *) field = value->rate.min;
            *(uint32_t *) (base + info->field2) = value->rate.max;
            break;
        case LC_KIND_SEED:
            assert (info->size == sizeof (uint64_t));
            *(uint64_t *) field = value->seed;
            if (info->field2 != LC_SETTING_NO_FIELD)
                *(bool *) (base + info->field2) = true;
            break;
        case LC_KIND_DURATION:
        case LC_KIND_SPEED:
        case LC_KIND_TIMEOUT:
            assert (info->size == sizeof (double));
            *(double *) field = value->real;
            break;
        case LC_KIND_BIND:
        case LC_KIND_CONNECT:
        case LC_KIND_PATH:
        case LC_KIND_HOST:
            assert (strlen (value->text) < info->size);
            strcpy (field, value->text);
            break;
        case LC_KIND_FLAG:
            assert (info->size == sizeof (bool));
            *(bool *) field = value->flag;
            break;
        case LC_KIND_PEER:
            assert (false);     //  no field: lc_config.c keeps the peers
            break;
    }
}

void
lc_layer_apply (const lc_layer_t *self, lc_config_t *config)
{
    assert (self);
    assert (config);
    for (int setting = 0; setting < LC_SETTING_COUNT; setting++)
        if (lc_layer_has (self, setting) && s_settings [setting].field != LC_SETTING_NO_FIELD)
            s_store (config, &s_settings [setting], &self->values [setting]);
}
