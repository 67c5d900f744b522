#include "shipper/link_tls.h"

#include <vector>

#include "common/key_file.h"
#include "common/log.h"

namespace shipper {

LinkTls::LinkTls(std::string dc, client::TlsPolicy policy) : dc_(std::move(dc)), policy_(std::move(policy)) {
  if (!policy_.enable) return;
  std::vector<std::string> files = {policy_.cert_file, policy_.key_file, policy_.ca_file, policy_.ca_path,
                                    policy_.cert_blacklist, common::key_password_file(policy_.key_file_password)};
  context_.emplace(std::move(files), [this] { return client::TlsContext::create(policy_); });
}

std::shared_ptr<const client::TlsContext> LinkTls::current() const {
  return context_ ? context_->current() : nullptr;
}

std::string LinkTls::error() const { return context_ ? context_->error() : std::string(); }

uint64_t LinkTls::reloads() const { return context_ ? context_->reloads() : 0; }

bool LinkTls::refresh() {
  if (!context_) return false;
  switch (context_->refresh()) {
    case common::Reload::Unchanged:
      return false;
    case common::Reload::Failed:
      // Without any context the link is down with this reason and says so itself.
      if (context_->current()) {
        failed_log_.warn(common::logger("shipper"),
                         "dc tls reload failed dc={} reason=\"{}\" (the previous context stays in use)", dc_,
                         context_->error());
      }
      return false;
    case common::Reload::Reloaded:
      break;
  }
  common::logger("shipper")->info("dc tls reloaded dc={} ca_file={} cert_file={} reloads={}", dc_, policy_.ca_file,
                                  policy_.cert_file, context_->reloads());
  return true;
}

}  // namespace shipper
