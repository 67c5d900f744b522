#pragma once
// TlsCa: certificates for TLS tests, made with the openssl command line at test time
// (P-256 keys: fast to generate). A CA in the given directory, and leaf certificates it
// signs, each naming one DNS name (common name and subject alternative name) with a
// chosen serial number, so tests can blacklist one and reload another.

#include <string>

namespace support {

class TlsCa {
 public:
  struct Leaf {
    std::string cert;  // PEM certificate path
    std::string key;   // PEM private key path
  };

  // Makes `dir`/<name>.pem and <name>.key (subject /CN=<name>). Throws std::runtime_error
  // with openssl's output when it fails.
  explicit TlsCa(std::string dir, std::string name = "test-ca");

  const std::string& ca_file() const { return ca_file_; }
  const std::string& dir() const { return dir_; }
  // `dir`/<file>.pem and .key for `dns_name`, serial `serial_hex` (hex digits).
  Leaf issue(const std::string& file, const std::string& dns_name, const std::string& serial_hex) const;
  // `leaf`'s key encrypted with AES-256 under `password`, in <key>.enc; its path.
  std::string encrypted_key(const Leaf& leaf, const std::string& password) const;
  // The CA's subject as OpenSSL prints it on one line (the issuer of its leaves).
  std::string subject_line() const { return "/CN=" + name_; }

 private:
  std::string dir_;
  std::string name_;
  std::string ca_file_;
  std::string ca_key_;
};

}  // namespace support
