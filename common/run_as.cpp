#include "common/run_as.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace common {

namespace {

std::runtime_error failure(const std::string& what, int err) {
  return std::runtime_error(what + ": " + std::strerror(err));
}

uid_t uid_of(const std::string& user, gid_t* primary_gid) {
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  int err = getpwnam_r(user.c_str(), &entry, buffer.data(), buffer.size(), &found);
  if (err != 0) throw failure("cannot look up user '" + user + "'", err);
  if (found == nullptr) throw std::runtime_error("unknown user '" + user + "' (service { user })");
  *primary_gid = entry.pw_gid;
  return entry.pw_uid;
}

gid_t gid_of(const std::string& group) {
  std::vector<char> buffer(16384);
  struct group entry {};
  struct group* found = nullptr;
  int err = getgrnam_r(group.c_str(), &entry, buffer.data(), buffer.size(), &found);
  if (err != 0) throw failure("cannot look up group '" + group + "'", err);
  if (found == nullptr) throw std::runtime_error("unknown group '" + group + "' (service { group })");
  return entry.gr_gid;
}

}  // namespace

void run_as(const std::string& user, const std::string& group) {
  if (user.empty() && group.empty()) return;
  gid_t user_gid = getegid();
  uid_t uid = user.empty() ? geteuid() : uid_of(user, &user_gid);
  gid_t gid = group.empty() ? (user.empty() ? getegid() : user_gid) : gid_of(group);
  if (uid == geteuid() && gid == getegid()) return;
  if (geteuid() != 0) {
    throw std::runtime_error("cannot switch to user '" + (user.empty() ? std::to_string(uid) : user) + "' group '" +
                             (group.empty() ? std::to_string(gid) : group) + "': the process runs as uid " +
                             std::to_string(geteuid()) + ", and only root may switch; start it as that user or as root");
  }
  // Group first: once the user is not root, the group can no longer change.
  if (setgroups(1, &gid) != 0) throw failure("setgroups(" + std::to_string(gid) + ")", errno);
  if (setgid(gid) != 0) throw failure("setgid(" + std::to_string(gid) + ")", errno);
  if (uid != geteuid() && setuid(uid) != 0) throw failure("setuid(" + std::to_string(uid) + ")", errno);
}

}  // namespace common
