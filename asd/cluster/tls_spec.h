#pragma once
// Loading a `network { tls NAME { } }` stanza into an OpenSSL context, shared by every TLS
// endpoint of the node: the client service (service/tls_context) and the heartbeat and
// fabric links (cluster/node_tls). Here, at the lowest layer that needs TLS, so that the
// service layer above reuses it rather than each link reading certificates its own way.

#include <string>
#include <vector>

#include "conf/config.h"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct x509_st X509;

namespace asd::cluster {

// Protocols, cipher list, certificate chain, its key and the CAs (when given) of `spec`,
// into `ctx`. Throws std::runtime_error naming the stanza, the file and OpenSSL's reason.
void load_tls_spec(SSL_CTX* ctx, const conf::TlsSpec& spec);

// Whether `cert` carries one of `names` as its common name or a DNS subject alternative
// name (wildcards match one whole label, as X509_check_host).
bool certificate_carries_name(X509* cert, const std::vector<std::string>& names);

// `cert`'s subject in OpenSSL's one-line form, "?" for none: for log lines.
std::string certificate_subject(X509* cert);

}  // namespace asd::cluster
