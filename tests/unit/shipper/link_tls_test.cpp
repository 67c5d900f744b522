// LinkTls: a DC link's TLS context, loaded again when its files change. CA certificates
// are made by the openssl command line (a P-256 key: a few ms).

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "shipper/link_tls.h"
#include "temp_dir.h"

namespace {

// A self-signed CA certificate at `pem`; its modification time moved on, as a file
// replaced a while after the previous one.
void make_ca(const std::string& dir, const std::string& pem, int later_s) {
  std::string command = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
                        "-subj /CN=unit-ca -keyout " + dir + "/ca.key -out " + pem + " >/dev/null 2>&1";
  REQUIRE(std::system(command.c_str()) == 0);
  std::filesystem::last_write_time(pem, std::filesystem::last_write_time(pem) + std::chrono::seconds(later_s));
}

}  // namespace

TEST_CASE("LinkTls: no context until the CA loads, then the newest that loads", "[shipper]") {
  common::test::TempDir dir;
  client::TlsPolicy policy;
  policy.enable = true;
  policy.ca_file = dir.path + "/ca.pem";
  shipper::LinkTls tls("DC2", policy);
  CHECK(tls.enabled());
  // Not loadable at start-up: no context at all (the pipeline then refuses to connect).
  CHECK_FALSE(tls.current());
  CHECK(tls.error().find("client: tls: CA " + policy.ca_file) == 0);
  CHECK_FALSE(tls.refresh());
  CHECK(tls.reloads() == 0);

  make_ca(dir.path, policy.ca_file, 0);
  CHECK(tls.refresh());
  auto first = tls.current();
  REQUIRE(first);
  CHECK(tls.error().empty());
  CHECK(tls.reloads() == 1);
  CHECK_FALSE(tls.refresh());  // unchanged
  CHECK(tls.current() == first);

  // A CA file caught mid-write: the previous context stays in use.
  std::ofstream(policy.ca_file, std::ios::trunc) << "-----BEGIN CERTIFICATE-----\nMIIB\n";
  CHECK_FALSE(tls.refresh());
  CHECK(tls.current() == first);
  CHECK_FALSE(tls.error().empty());

  make_ca(dir.path, policy.ca_file, 10);
  CHECK(tls.refresh());
  CHECK(tls.current() != first);
  CHECK(tls.reloads() == 2);
}

TEST_CASE("LinkTls without TLS reads nothing and has no context", "[shipper]") {
  client::TlsPolicy policy;
  policy.ca_file = "/nonexistent/ca.pem";
  shipper::LinkTls tls("DC2", policy);
  CHECK_FALSE(tls.enabled());
  CHECK_FALSE(tls.current());
  CHECK_FALSE(tls.refresh());
  CHECK(tls.error().empty());
  CHECK(tls.reloads() == 0);
}
