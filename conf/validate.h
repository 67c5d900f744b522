// Private: checks that involve more than one key, shared by the loader and set-config.
// Single-key checks (syntax, range) come from the table in values.cpp.
#pragma once

#include <string>

#include "conf/config.h"

namespace conf {

// "" or the first problem, e.g. "default-ttl 100 exceeds max-ttl 50 in namespace 'test'".
std::string check_namespace(const Namespace& ns);

// "" or the first problem with the xdr { } stanza (ignoring datacenter references).
std::string check_xdr(const Xdr& xdr);

}  // namespace conf
