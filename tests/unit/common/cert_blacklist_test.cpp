// cert-blacklist files as the Aerospike server and C client read them.

#include <catch2/catch.hpp>

#include "common/cert_blacklist.h"

using common::CertBlacklist;

TEST_CASE("a serial alone refuses any issuer; with an issuer, only that one", "[common]") {
  CertBlacklist list = CertBlacklist::parse(
      "# revoked\n"
      "\n"
      "0A1B\n"
      "  ff02   /C=US/O=Example Corp/CN=ca one  \r\n"
      "#3C03\n");
  CHECK(list.size() == 2);
  CHECK(list.refuses("A1B", "/CN=anyone"));
  CHECK(list.refuses("0a1b", ""));
  CHECK(list.refuses("FF02", "/C=US/O=Example Corp/CN=ca one"));
  CHECK_FALSE(list.refuses("FF02", "/CN=other"));
  CHECK_FALSE(list.refuses("3C03", "/CN=anyone"));  // commented out
  CHECK_FALSE(list.refuses("A1C", "/CN=anyone"));
  CHECK_FALSE(list.refuses(static_cast<x509_st*>(nullptr)));
}

TEST_CASE("a blacklist file that cannot be read names the path", "[common]") {
  auto missing = CertBlacklist::load("/nonexistent/blacklist");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message.find("cert-blacklist /nonexistent/blacklist: ") == 0);
}
