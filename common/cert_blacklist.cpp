#include "common/cert_blacklist.h"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/x509.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace common {

namespace {

// Serials are hex numbers: "0a1B" and "A1B" name the same certificate.
std::string normalize_serial(std::string_view hex) {
  std::string out;
  for (char c : hex) out.push_back(char(std::toupper(static_cast<unsigned char>(c))));
  size_t first = out.find_first_not_of('0');
  return first == std::string::npos ? std::string("0") : out.substr(first);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<CertBlacklist> CertBlacklist::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{ResultCode::Parameter, "cert-blacklist " + path + ": " + std::strerror(errno)};
  std::stringstream text;
  text << in.rdbuf();
  return parse(text.str());
}

CertBlacklist CertBlacklist::parse(std::string_view text) {
  CertBlacklist list;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    if (!line.empty() && line.front() == '#') continue;
    line = trim(line);
    if (line.empty()) continue;
    size_t space = line.find_first_of(" \t");
    Entry entry;
    entry.serial = normalize_serial(line.substr(0, space));
    if (space != std::string_view::npos) entry.issuer = std::string(trim(line.substr(space)));
    list.entries_.push_back(std::move(entry));
  }
  return list;
}

bool CertBlacklist::refuses(std::string_view hex_serial, std::string_view issuer) const {
  std::string serial = normalize_serial(hex_serial);
  for (const Entry& e : entries_) {
    if (e.serial == serial && (e.issuer.empty() || e.issuer == issuer)) return true;
  }
  return false;
}

bool CertBlacklist::refuses(x509_st* cert) const {
  if (!cert || entries_.empty()) return false;
  BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get_serialNumber(cert), nullptr);
  if (!bn) return false;
  char* hex = BN_bn2hex(bn);
  char issuer[512];
  X509_NAME_oneline(X509_get_issuer_name(cert), issuer, sizeof issuer);
  bool listed = hex && refuses(hex, issuer);
  OPENSSL_free(hex);
  BN_free(bn);
  return listed;
}

}  // namespace common
