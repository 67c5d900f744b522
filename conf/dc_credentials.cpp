#include "conf/dc_credentials.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "lexer.h"

namespace conf {

namespace {

std::string read_text(const std::string& path, std::string* out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return "cannot read '" + path + "': " + std::strerror(errno);
    std::ostringstream text;
    text << in.rdbuf();
    *out = text.str();
    return {};
}

// dc-security-config-file: `credentials { username U  password P }`, in the config
// file's own syntax (comments, one key per line).
std::string read_security_file(const std::string& path, DcCredentials* out) {
    std::string text;
    if (std::string error = read_text(path, &text); !error.empty()) return error;
    Lexed lexed = lex(text);
    const std::vector<Statement>& stmts = lexed.statements;
    auto where = [&](int line) { return path + ":" + std::to_string(line) + ": "; };
    size_t i;
    using End = Statement::End;
    // `credentials {` on one line, or the brace alone on the next (as Aerospike's examples).
    bool head = !stmts.empty() && stmts[0].words.size() == 1 && stmts[0].words[0] == "credentials";
    size_t first = 0;
    if (head && stmts[0].end == End::Open) first = 1;
    if (head && stmts[0].end == End::Line && stmts.size() > 1 && stmts[1].words.empty() && stmts[1].end == End::Open) {
        first = 2;
    }
    if (first == 0) return where(stmts.empty() ? lexed.last_line : stmts[0].line) + "expected `credentials {`";
    for (i = first; i < stmts.size() && !(stmts[i].end == End::Close && stmts[i].words.empty()); ++i) {
        const Statement& s = stmts[i];
        if (s.end != End::Line || s.words.size() != 2 || (s.words[0] != "username" && s.words[0] != "password")) {
            return where(s.line) + "expected `username NAME` or `password SECRET` in credentials";
        }
        (s.words[0] == "username" ? out->user : out->password) = s.words[1];
    }
    if (i == stmts.size()) return where(lexed.last_line) + "credentials { is not closed";
    if (i + 1 != stmts.size()) return where(stmts[i + 1].line) + "nothing may follow credentials { }";
    if (out->user.empty()) return where(stmts[0].line) + "credentials has no username";
    if (out->password.empty()) return where(stmts[0].line) + "credentials has no password";
    return {};
}

}  // namespace

std::string read_password_file(const std::string& path, std::string* password) {
    std::string text;
    if (std::string error = read_text(path, &text); !error.empty()) return error;
    std::string first = text.substr(0, text.find('\n'));
    if (!first.empty() && first.back() == '\r') first.pop_back();
    if (first.empty()) return "'" + path + "' holds no password on its first line";
    *password = std::move(first);
    return {};
}

bool logs_in(const XdrDc& dc) { return !dc.security_config_file.empty() || dc.auth_mode == "internal"; }

std::string read_dc_credentials(const XdrDc& dc, DcCredentials* out) {
    *out = {};
    if (!dc.security_config_file.empty()) return read_security_file(dc.security_config_file, out);
    out->user = dc.auth_user;
    return read_password_file(dc.auth_password_file, &out->password);
}

std::string check_dc_auth(const XdrDc& dc) {
    const std::string where = "dc " + dc.name + ": ";
    if (dc.auth_mode == "external" || dc.auth_mode == "external-insecure") {
        return where + "auth-mode " + dc.auth_mode + " (LDAP) is not supported: use auth-mode internal";
    }
    if (dc.auth_mode == "pki") return where + "auth-mode pki is not supported: use auth-mode internal";
    if (dc.auth_mode != "none" && dc.auth_mode != "internal") {
        return where + "unknown auth-mode '" + dc.auth_mode + "' (none, internal, external, external-insecure or pki)";
    }
    if (dc.auth_mode == "internal") {
        if (dc.auth_user.empty()) return where + "auth-mode internal needs auth-user";
        if (dc.auth_password_file.empty()) return where + "auth-mode internal needs auth-password-file";
    } else if (!dc.auth_user.empty() || !dc.auth_password_file.empty()) {
        return where + "auth-user and auth-password-file need auth-mode internal";
    }
    // A password file that cannot be read now would fail every login: say so at start-up.
    if (logs_in(dc)) {
        DcCredentials ignored;
        if (std::string error = read_dc_credentials(dc, &ignored); !error.empty()) return where + error;
    }
    return {};
}

}  // namespace conf
