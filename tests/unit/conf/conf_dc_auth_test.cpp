// Logging in to a secured remote DC: the 5.x auth keys, the 4.x credentials file, and
// every way they can be wrong.

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "conf/dc_credentials.h"
#include "conf_test_util.h"

using conf_test::parse;
using conf_test::require_error;

namespace {

// A file in a fresh temp directory, removed with the object.
struct TempFile {
    std::filesystem::path dir;
    std::filesystem::path path;
    explicit TempFile(const std::string& text) {
        char tmpl[] = "/tmp/conf_dc_auth.XXXXXX";
        dir = ::mkdtemp(tmpl);
        path = dir / "secret";
        std::ofstream(path) << text;
    }
    ~TempFile() { std::filesystem::remove_all(dir); }
};

std::string modern(const std::string& dc_lines) {
    return "xdr {\n  dc DC2 {\n    node-address-port 10.0.0.2 3000\n" + dc_lines +
           "    namespace test {\n    }\n  }\n}\nnamespace test {\n}\n";
}

std::string legacy(const std::string& file) {
    return "xdr {\n  enable-xdr true\n  xdr-digestlog-path /tmp/dl 1G\n  datacenter DC2 {\n"
           "    dc-node-address-port 10.0.0.2 3000\n    dc-security-config-file " + file +
           "\n  }\n}\nnamespace test {\n  enable-xdr true\n  xdr-remote-datacenter DC2\n}\n";
}

}  // namespace

TEST_CASE("5.x auth-mode internal reads the password file", "[conf][xdr_auth]") {
    TempFile secret("s3cret\nignored second line\n");
    conf::Config c = parse(modern("    auth-mode internal\n    auth-user xdr\n    auth-password-file " +
                                  secret.path.string() + "\n"));
    const conf::XdrDc& dc = c.xdr.datacenters.at(0);
    CHECK(conf::logs_in(dc));
    conf::DcCredentials creds;
    REQUIRE(conf::read_dc_credentials(dc, &creds).empty());
    CHECK(creds.user == "xdr");
    CHECK(creds.password == "s3cret");

    // Read at every call: a changed file gives the new password.
    std::ofstream(secret.path) << "changed\r\n";
    REQUIRE(conf::read_dc_credentials(dc, &creds).empty());
    CHECK(creds.password == "changed");

    CHECK_FALSE(conf::logs_in(parse(modern("")).xdr.datacenters.at(0)));
}

TEST_CASE("4.x dc-security-config-file holds credentials { }", "[conf][xdr_auth]") {
    TempFile secret("# xdr's login on DC2\ncredentials\n{\n  username xdr4\n  password pw4\n}\n");
    conf::Config c = parse(legacy(secret.path.string()));
    conf::DcCredentials creds;
    REQUIRE(conf::read_dc_credentials(c.xdr.datacenters.at(0), &creds).empty());
    CHECK(creds.user == "xdr4");
    CHECK(creds.password == "pw4");
}

TEST_CASE("bad auth settings stop start-up at the dc's line", "[conf][xdr_auth]") {
    TempFile secret("pw\n");
    const std::string file = secret.path.string();
    require_error(modern("    auth-mode internal\n    auth-password-file " + file + "\n"), 2,
                  "auth-mode internal needs auth-user");
    require_error(modern("    auth-mode internal\n    auth-user xdr\n"), 2, "needs auth-password-file");
    require_error(modern("    auth-user xdr\n    auth-password-file " + file + "\n"), 2,
                  "auth-user and auth-password-file need auth-mode internal");
    require_error(modern("    auth-mode pki\n"), 2, "auth-mode pki is not supported");
    require_error(modern("    auth-mode external\n"), 2, "auth-mode external (LDAP) is not supported");
    require_error(modern("    auth-mode kerberos\n"), 2, "unknown auth-mode 'kerberos'");
    require_error(modern("    auth-mode internal\n    auth-user xdr\n    auth-password-file " +
                         (secret.dir / "missing").string() + "\n"),
                  2, "cannot read '" + (secret.dir / "missing").string() + "'");
    TempFile empty("\nsecond\n");
    require_error(modern("    auth-mode internal\n    auth-user xdr\n    auth-password-file " + empty.path.string() + "\n"),
                  2, "holds no password on its first line");
}

TEST_CASE("a broken 4.x credentials file names its own line", "[conf][xdr_auth]") {
    auto check = [](const std::string& text, const std::string& fragment) {
        TempFile secret(text);
        require_error(legacy(secret.path.string()), 4, secret.path.string() + fragment);
    };
    check("username a\n", ":1: expected `credentials {`");
    check("credentials {\n  username a\n  pass b\n}\n", ":3: expected `username NAME` or `password SECRET`");
    check("credentials {\n  username a\n  password b\n", ":3: credentials { is not closed");
    check("credentials {\n  password b\n}\n", ":1: credentials has no username");
    check("credentials {\n  username a\n}\n", ":1: credentials has no password");
    check("credentials {\n  username a\n  password b\n}\nextra 1\n", ":5: nothing may follow");
}
