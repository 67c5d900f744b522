#include "support/tls_material.h"

#include <stdexcept>
#include <vector>

#include "support/process.h"
#include "support/xdr_dc.h"

namespace support {

namespace {

void openssl(std::vector<std::string> args, const std::string& log) {
  args.insert(args.begin(), "openssl");
  if (!run_tool(args, log, 15000)) {
    throw std::runtime_error("openssl " + args[1] + " failed:\n" + last_lines(read_file(log), 20));
  }
}

}  // namespace

TlsCa::TlsCa(std::string dir, std::string name)
    : dir_(std::move(dir)), name_(std::move(name)), ca_file_(dir_ + "/" + name_ + ".pem"), ca_key_(dir_ + "/" + name_ + ".key") {
  openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
           "-subj", "/CN=" + name_, "-keyout", ca_key_, "-out", ca_file_},
          dir_ + "/openssl.log");
}

TlsCa::Leaf TlsCa::issue(const std::string& file, const std::string& dns_name, const std::string& serial_hex) const {
  Leaf leaf{dir_ + "/" + file + ".pem", dir_ + "/" + file + ".key"};
  const std::string csr = dir_ + "/" + file + ".csr";
  const std::string ext = dir_ + "/" + file + ".ext";
  write_file(ext, "subjectAltName=DNS:" + dns_name + "\n");
  const std::string log = dir_ + "/openssl.log";
  openssl({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=" + dns_name,
           "-keyout", leaf.key, "-out", csr},
          log);
  openssl({"x509", "-req", "-in", csr, "-CA", ca_file_, "-CAkey", ca_key_, "-set_serial", "0x" + serial_hex, "-days",
           "2", "-extfile", ext, "-out", leaf.cert},
          log);
  return leaf;
}

std::string TlsCa::encrypted_key(const Leaf& leaf, const std::string& password) const {
  const std::string path = leaf.key + ".enc";
  openssl({"pkey", "-in", leaf.key, "-out", path, "-aes256", "-passout", "pass:" + password}, dir_ + "/openssl.log");
  return path;
}

}  // namespace support
