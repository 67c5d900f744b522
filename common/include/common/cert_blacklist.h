#pragma once
// CertBlacklist: the `cert-blacklist` file of a `network { tls NAME { } }` stanza (and of
// the client's TLS policy), read as the Aerospike server and C client read it: one
// certificate per line, its serial number in hex, optionally followed by whitespace and
// the issuer name as OpenSSL prints it on one line (`/C=US/O=Example/CN=ca`); the rest of
// the line is the issuer, spaces included. Lines starting with '#' and blank lines are
// skipped. A serial alone refuses every certificate with that serial; with an issuer,
// only the one that issuer signed. Serials compare case-insensitively, without leading
// zeros. Immutable once loaded, so one instance may be shared by any number of threads.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

struct x509_st;

namespace common {

class CertBlacklist {
 public:
  // Reads `path`. Parameter with the path and errno text when it cannot be read.
  static Result<CertBlacklist> load(const std::string& path);
  // From text already in memory (unit tests, the fuzzers).
  static CertBlacklist parse(std::string_view text);

  // True when `cert` (its serial, and issuer when the entry names one) is listed.
  bool refuses(x509_st* cert) const;
  bool refuses(std::string_view hex_serial, std::string_view issuer) const;
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string serial;  // upper-case hex, no leading zeros
    std::string issuer;  // empty: any issuer
  };
  std::vector<Entry> entries_;
};

}  // namespace common
