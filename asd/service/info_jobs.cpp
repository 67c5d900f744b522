// query-show / scan-show / query-abort / scan-abort (wire-protocol §9.8): background
// jobs as the clients poll them.

#include <charconv>

#include "service/info_values.h"
#include "service/node_context.h"
#include "transaction/jobs.h"

namespace asd {

namespace {

// The job id of `trid=` (`id=` from 8.1 on); false when absent or not a number.
bool job_id(const proto::InfoCommand& cmd, uint64_t* out) {
  std::string text = info_has_param(cmd, "trid") ? info_param(cmd, "trid") : info_param(cmd, "id");
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::string job_show_value(NodeContext& node, const proto::InfoCommand& cmd) {
  if (!info_has_param(cmd, "trid") && !info_has_param(cmd, "id")) {
    std::string out;
    for (const auto& job : node.jobs().list()) {
      if (!out.empty()) out += ';';
      out += job->describe();
    }
    return out;
  }
  uint64_t id = 0;
  if (!job_id(cmd, &id)) return "ERROR:4:bad id";
  auto job = node.jobs().find(id);
  return job ? job->describe() : "ERROR:2:job not found";
}

std::string job_abort_value(NodeContext& node, const proto::InfoCommand& cmd) {
  uint64_t id = 0;
  if (!job_id(cmd, &id)) return "ERROR:4:bad id";
  return node.jobs().abort(id) ? "OK" : "ERROR:2:job not active";
}

}  // namespace asd
