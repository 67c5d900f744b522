#pragma once
// The user and password xdr logs in to a secured remote DC with, from either form:
//   4.x   datacenter NAME { dc-security-config-file FILE }, FILE holding
//           credentials {
//               username NAME
//               password SECRET
//           }
//   5.x+  dc NAME { auth-mode internal; auth-user NAME; auth-password-file FILE }, FILE
//         holding the password on its first line.
// Read at every login, so an operator who changes the remote password updates the file
// and the link comes back without a restart.

#include <string>

#include "conf/config.h"

namespace conf {

struct DcCredentials {
    std::string user;
    std::string password;
};

// A password file's first line, without its line end; on failure why, naming the file.
std::string read_password_file(const std::string& path, std::string* password);

// Whether the DC is configured to log in at all.
bool logs_in(const XdrDc& dc);

// Reads the DC's credentials into `out`; on failure returns why, naming the file and,
// for the 4.x form, the line.
std::string read_dc_credentials(const XdrDc& dc, DcCredentials* out);

// The combination of auth keys is coherent (auth-user needs auth-mode internal and a
// password file, ...); empty, or why not.
std::string check_dc_auth(const XdrDc& dc);

}  // namespace conf
