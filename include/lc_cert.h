/*  lc_cert.h - CURVE certificates: this machine's secret certificate, its
    peers' public ones, the ZAP handler that admits only them, and
    `lclock keygen` (docs/lan.md).
*/
#ifndef LC_CERT_H_INCLUDED
#define LC_CERT_H_INCLUDED

#include "lclock.h"
#include <czmq.h>

#define LC_CERT_ERROR_MAX   (2 * PATH_MAX + 160)    //  bytes of an error text

typedef struct _lc_cert_t lc_cert_t;

//  Loads the secret certificate cert_path and trust_dir/machine-J.cert of
//  each of the count peers (whose "machine" metadata must say J), then
//  starts the ZAP handler that admits the clients of trust_dir. Returns
//  NULL with error (one line naming the file, and whether it was the
//  certificate or the trust folder: either may have come from the command
//  line or from the cluster file) if any is missing or wrong.
lc_cert_t *
    lc_cert_load (const char *cert_path, const char *trust_dir,
                  const uint32_t *peers, size_t count, char *error, size_t size);
void
    lc_cert_destroy (lc_cert_t **self_p);

//  The PULL side: our certificate, CURVE server, ZAP domain "lclock".
void
    lc_cert_apply_server (lc_cert_t *self, zsock_t *sock);
//  A PUSH to peer index idx: our certificate, the peer's public key.
void
    lc_cert_apply_client (lc_cert_t *self, zsock_t *sock, size_t idx);

//  `lclock keygen ID DIR`. Returns the exit status.
int
    lc_keygen_main (int argc, char *argv []);

#endif
