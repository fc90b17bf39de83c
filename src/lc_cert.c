/*  lc_cert.c - CURVE certificates and keygen.

    zauth hands the metadata of the certificate a client connected with to
    every message of that connection: a peer's public certificate carries
    "machine = J", so the machine can accept a message claiming sender J
    only when it came with J's certificate (lc_links).
*/
#include "lc_cert.h"
#include "lc_alloc.h"
#include "lc_file.h"

#include <errno.h>

#define S_NO_SECRET     "0000000000000000000000000000000000000000"

struct _lc_cert_t {
    zcert_t *own;               //  our secret certificate
    zactor_t *auth;             //  zauth, admitting the trusted clients
    size_t count;               //  peers
    char (*keys) [41];          //  each peer's public key, Z85
};

lc_cert_t *
lc_cert_load (const char *cert_path, const char *trust_dir,
              const uint32_t *peers, size_t count, char *error, size_t size)
{
    lc_cert_t *self = lc_calloc (1, sizeof *self);
    self->count = count;
    self->keys = lc_calloc (count, sizeof *self->keys);
    const char *why;
    self->own = lc_file_check_regular (cert_path, &why) == 0 ? zcert_load (cert_path) : NULL;
    if (!self->own || streq (zcert_secret_txt (self->own), S_NO_SECRET)) {
        snprintf (error, size, "certificate %s: not a secret certificate (make one with "
                  "'lclock keygen ID DIR' and give DIR/machine-ID.cert_secret)", cert_path);
        lc_cert_destroy (&self);
        return NULL;
    }
    for (size_t i = 0; i < count; i++) {
        char *path = zsys_sprintf ("%s/machine-%u.cert", trust_dir, peers [i]);
        zcert_t *cert = lc_file_check_regular (path, &why) == 0 ? zcert_load (path) : NULL;
        const char *meta = cert ? zcert_meta (cert, "machine") : NULL;
        bool good = false;
        if (!cert)
            snprintf (error, size, "trust folder %s: cannot load %s, the public certificate "
                      "of machine %u; copy it from the host that made it", trust_dir,
                      path, peers [i]);
        else
        if (!meta || strtoul (meta, NULL, 10) != peers [i])
            snprintf (error, size, "trust folder %s: %s says machine %s, not %u", trust_dir,
                      path, meta ? meta : "nothing", peers [i]);
        else {
            snprintf (self->keys [i], sizeof self->keys [i], "%s", zcert_public_txt (cert));
            good = true;
        }
        zcert_destroy (&cert);
        zstr_free (&path);
        if (!good) {
            lc_cert_destroy (&self);
            return NULL;
        }
    }
    self->auth = zactor_new (zauth, NULL);
    assert (self->auth);
    zstr_sendx (self->auth, "CURVE", trust_dir, NULL);
    zsock_wait (self->auth);
    return self;
}

void
lc_cert_destroy (lc_cert_t **self_p)
{
    lc_cert_t *self = *self_p;
    if (!self)
        return;
    zactor_destroy (&self->auth);
    zcert_destroy (&self->own);
    free (self->keys);
    free (self);
    *self_p = NULL;
}

void
lc_cert_apply_server (lc_cert_t *self, zsock_t *sock)
{
    zcert_apply (self->own, sock);
    zsock_set_curve_server (sock, 1);
    zsock_set_zap_domain (sock, "lclock");
}

void
lc_cert_apply_client (lc_cert_t *self, zsock_t *sock, size_t idx)
{
    assert (idx < self->count);
    zcert_apply (self->own, sock);
    zsock_set_curve_serverkey (sock, self->keys [idx]);
}

//  --------------------------------------------------------------------------
//  lclock keygen ID DIR

int
lc_keygen_main (int argc, char *argv [])
{
    if (argc == 2 && (streq (argv [1], "--help") || streq (argv [1], "-h"))) {
        printf ("usage: lclock keygen ID DIR\n\n"
                "Writes DIR/machine-ID.cert (public: copy it into every host's\n"
                "trust folder) and DIR/machine-ID.cert_secret (this machine's\n"
                "--cert) with a new CURVE key pair.\n");
        return lc_file_stdout_checked () ? LC_EXIT_USAGE : LC_EXIT_OK;
    }
    if (argc != 3) {
        fprintf (stderr, "lclock keygen: expected ID DIR (try 'lclock keygen --help')\n");
        return LC_EXIT_USAGE;
    }
    //  Digits only, as every id on the command line (no sign, no spaces)
    size_t digits = strspn (argv [1], "0123456789");
    unsigned long id = digits && !argv [1][digits] && digits <= 5
                     ? strtoul (argv [1], NULL, 10) : 0;
    if (id < LC_ID_MIN || id > LC_ID_MAX) {
        fprintf (stderr, "lclock keygen: ID: expected 1..65535, got '%s'\n", argv [1]);
        return LC_EXIT_USAGE;
    }
    if (lc_file_mkdir_p (argv [2]) != 0) {
        fprintf (stderr, "lclock keygen: %s: cannot create: %s\n", argv [2], strerror (errno));
        return LC_EXIT_FAILURE;
    }
    char *path = zsys_sprintf ("%s/machine-%lu.cert", argv [2], id);
    char *secret = zsys_sprintf ("%s_secret", path);
    int rc = LC_EXIT_OK;
    if (zsys_file_exists (path) || zsys_file_exists (secret)) {
        fprintf (stderr, "lclock keygen: %s exists; certificates are never overwritten\n", path);
        rc = LC_EXIT_USAGE;
    }
    else {
        zcert_t *cert = zcert_new ();
        assert (cert);
        zcert_set_meta (cert, "machine", "%lu", id);
        if (zcert_save (cert, path) != 0) {
            fprintf (stderr, "lclock keygen: cannot write %s: %s\n", path, strerror (errno));
            rc = LC_EXIT_FAILURE;
        }
        else {
            printf ("%s\n%s\n", path, secret);
            if (lc_file_stdout_checked ()) {
                fprintf (stderr, "lclock keygen: cannot write stdout: %s\n", strerror (errno));
                rc = LC_EXIT_FAILURE;
            }
        }
        zcert_destroy (&cert);
    }
    zstr_free (&path);
    zstr_free (&secret);
    return rc;
}
