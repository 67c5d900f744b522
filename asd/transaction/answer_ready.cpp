#include "proto/frame.h"
#include "transaction/response_sink.h"
#include "storage/device_storage.h"

namespace asd {

namespace {

constexpr size_t kResultCodeOffset = proto::kProtoHeaderSize + 5;

}  // namespace

void when_answer_ready(std::string& out, CommitWait wait, std::function<void()> send) {
  auto after_device = [storage = wait.storage, pos = wait.pos, send = std::move(send)] {
    if (storage) storage->when_durable(pos, send);
    else send();
  };
  if (wait.completions.empty()) return after_device();
  bool proxied = wait.proxied;
  CompletionPtr first = wait.completions.front();
  when_all(wait.completions, [&out, proxied, first, after_device](bool ok) {
    if (proxied) {
      out.clear();
      if (first->has_answer()) {
        out = first->take_answer();
      } else {
        size_t offset = proto::begin_proto(out, proto::ProtoType::Message);
        append_error_message(out, common::ResultCode::Timeout);
        proto::end_proto(out, offset);
      }
    } else if (!ok && out.size() > kResultCodeOffset) {
      out[kResultCodeOffset] = char(common::ResultCode::Timeout);
    }
    after_device();
  });
}

}  // namespace asd
