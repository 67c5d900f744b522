#pragma once
// The server side of TLS on the client service port: an OpenSSL context built from a
// `network { tls NAME { } }` stanza and the service's tls-authenticate-client setting,
// as the real server builds it. Built once at start-up; a certificate, key or CA that
// cannot be loaded stops start-up with the file and OpenSSL's reason.

#include <memory>
#include <string>
#include <vector>

#include "conf/config.h"

namespace boost::asio::ssl {
class context;
}

namespace asd {

// `authenticate_client`: `false` asks for no client certificate; `any` (or empty)
// requires one the CA verifies; otherwise one whose common name or a DNS subject
// alternative name is among the names. Throws std::runtime_error naming what is wrong.
std::shared_ptr<boost::asio::ssl::context> make_server_tls(const conf::TlsSpec& spec,
                                                           const std::vector<std::string>& authenticate_client);

}  // namespace asd
