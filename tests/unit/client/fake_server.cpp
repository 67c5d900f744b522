#include "fake_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

#include "common/bytes.h"
#include "proto/batch.h"
#include "proto/frame.h"
#include "proto/info.h"

namespace client_test {

namespace {

bool read_exact(int fd, std::string& out, size_t size) {
  out.resize(size);
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::recv(fd, out.data() + done, size - done, 0);
    if (n <= 0) return false;
    done += size_t(n);
  }
  return true;
}

void write_all(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return;
    done += size_t(n);
  }
}

std::string wrap(proto::ProtoType type, const std::string& body) {
  std::string out;
  size_t at = proto::begin_proto(out, type);
  out += body;
  proto::end_proto(out, at);
  return out;
}

std::string header_only(uint8_t result, uint8_t info3 = 0, uint32_t generation = 0, uint32_t index = 0) {
  std::string out;
  proto::MsgHeader h;
  h.result_code = result;
  h.info3 = info3;
  h.generation = generation;
  h.transaction_ttl = index;
  proto::append_msg_header(out, h);
  return out;
}

}  // namespace

FakeServer::FakeServer(std::string node_name) : node_name_(std::move(node_name)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(listen_fd_, 64) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw std::runtime_error("fake server cannot listen");
  }
  port_ = ntohs(addr.sin_port);
  info_ = {{"node", node_name_},
           {"partition-generation", "1"},
           {"build", "8.1.2.0"},
           {"peers-generation", "1"},
           {"peers-clear-std", "1,3000,[]"},
           {"replicas", "test:0,1," + std::string(682, '/') + "8="},
           {"status", "ok"},
           {"truncate-namespace:namespace=test", "ok"}};
  acceptor_ = std::thread([this] { accept_loop(); });
}

FakeServer::~FakeServer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    for (int fd : conn_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  ::shutdown(listen_fd_, SHUT_RDWR);
  acceptor_.join();
  for (auto& t : threads_) t.join();
  ::close(listen_fd_);
}

void FakeServer::set_info(const std::string& name, const std::string& value) {
  std::lock_guard lock(mu_);
  info_[name] = value;
}

size_t FakeServer::record_count() {
  std::lock_guard lock(mu_);
  return records_.size();
}

bool FakeServer::has_record(const common::Digest& digest) {
  std::lock_guard lock(mu_);
  return records_.count(digest) != 0;
}

void FakeServer::drop_connections() {
  std::lock_guard lock(mu_);
  for (int fd : conn_fds_) ::shutdown(fd, SHUT_RDWR);
}

void FakeServer::accept_loop() {
  for (;;) {
    int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) return;
    std::lock_guard lock(mu_);
    if (stopping_) {
      ::close(fd);
      return;
    }
    conn_fds_.insert(fd);
    threads_.emplace_back([this, fd] { serve(fd); });
  }
}

void FakeServer::serve(int fd) {
  std::string head, body;
  while (read_exact(fd, head, 8)) {
    auto h = proto::decode_proto_header(reinterpret_cast<const uint8_t*>(head.data()));
    if (!read_exact(fd, body, h.size)) break;
    if (h.type == uint8_t(proto::ProtoType::Info)) {
      write_all(fd, wrap(proto::ProtoType::Info, answer_info(body)));
    } else {
      ++messages_;
      write_all(fd, wrap(proto::ProtoType::Message, answer_message(body)));
    }
  }
  std::lock_guard lock(mu_);
  conn_fds_.erase(fd);
  ::close(fd);
}

std::string FakeServer::answer_info(std::string_view body) {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& cmd : proto::parse_info_request(body)) {
    auto it = info_.find(std::string(cmd.text));
    std::string value = it != info_.end()                ? it->second
                        : cmd.name == "user-agent-set" ? "ok"
                                                       : "ERROR:4:unrecognized command";
    proto::append_info_answer(out, cmd.text, value);
  }
  return out;
}

std::string FakeServer::answer_message(std::string_view body) {
  proto::Message msg;
  if (!proto::parse_message(body, &msg).ok()) return header_only(4);
  std::lock_guard lock(mu_);
  if (msg.header.info1 & proto::info1::kBatch) return answer_batch(msg);
  if (!msg.field(proto::FieldType::Digest)) return answer_scan(msg);
  return answer_single(msg);
}

void FakeServer::append_record(std::string& out, const StoredRecord& rec, uint8_t info1,
                               const std::vector<std::string_view>& names, uint32_t index) {
  proto::MsgHeader h;
  h.generation = rec.generation;
  h.transaction_ttl = index;
  size_t at = proto::append_msg_header(out, h);
  uint16_t n_ops = 0;
  if (!(info1 & proto::info1::kGetNoBinData)) {
    for (const auto& [name, value] : rec.bins) {
      bool wanted = (info1 & proto::info1::kGetAll) || names.empty() ||
                    std::find(names.begin(), names.end(), name) != names.end();
      if (!wanted) continue;
      proto::append_op(out, proto::OpType::Read, value.particle(), name, value.bytes());
      ++n_ops;
    }
  }
  proto::patch_msg_counts(out, at, 0, n_ops);
}

std::string FakeServer::answer_single(const proto::Message& msg) {
  auto digest = common::Digest::from(msg.field(proto::FieldType::Digest)->data);
  if (msg.header.info2 & proto::info2::kWrite) return answer_write(msg, digest);
  auto it = records_.find(digest);
  if (it == records_.end()) return header_only(2);
  std::vector<std::string_view> names;
  for (const auto& op : msg.ops) names.push_back(op.name);
  std::string out;
  append_record(out, it->second, msg.header.info1, names, 0);
  return out;
}

std::string FakeServer::answer_write(const proto::Message& msg, const common::Digest& digest) {
  auto it = records_.find(digest);
  if (msg.header.info2 & proto::info2::kDelete) {
    if (it == records_.end()) return header_only(2);
    records_.erase(it);
    return header_only(0);
  }
  if (it != records_.end() && (msg.header.info2 & proto::info2::kCreateOnly)) return header_only(5);
  StoredRecord& rec = records_[digest];
  rec.set = std::string(msg.field(proto::FieldType::Set)->data);
  std::vector<std::string_view> reads;
  for (const auto& op : msg.ops) {
    auto bin = std::find_if(rec.bins.begin(), rec.bins.end(), [&](auto& b) { return b.first == op.name; });
    client::Value value = client::Value::raw(op.particle, std::string(op.value));
    if (op.op == uint8_t(proto::OpType::Read)) {
      reads.push_back(op.name);
    } else if (op.op == uint8_t(proto::OpType::Incr)) {
      int64_t base = bin != rec.bins.end() ? bin->second.as_int().value_or(0) : 0;
      if (bin == rec.bins.end()) bin = rec.bins.insert(rec.bins.end(), {std::string(op.name), {}});
      bin->second = client::Value(base + value.as_int().value_or(0));
    } else if (op.op == uint8_t(proto::OpType::Write)) {
      if (bin != rec.bins.end()) rec.bins.erase(bin);
      if (!value.is_nil()) rec.bins.emplace_back(std::string(op.name), value);
    }
  }
  ++rec.generation;
  std::string out;
  if (reads.empty()) {
    append_record(out, rec, proto::info1::kGetNoBinData, {}, 0);
  } else {
    append_record(out, rec, 0, reads, 0);
  }
  return out;
}

std::string FakeServer::answer_batch(const proto::Message& msg) {
  proto::BatchRequest batch;
  std::string out;
  if (!proto::parse_batch_field(msg.field(proto::FieldType::BatchIndex)->data, &batch).ok()) {
    return header_only(4, proto::info3::kLast);
  }
  for (const auto& row : batch.rows) {
    auto it = records_.find(row.digest);
    if (it == records_.end()) {
      out += header_only(2, 0, 0, row.index);
      continue;
    }
    std::vector<std::string_view> names;
    for (const auto& op : row.ops) names.push_back(op.name);
    append_record(out, it->second, row.header.info1, names, row.index);
  }
  return out + header_only(0, proto::info3::kLast);
}

std::string FakeServer::answer_scan(const proto::Message& msg) {
  std::set<uint32_t> pids;
  if (const proto::Field* f = msg.field(proto::FieldType::PidArray)) {
    for (size_t i = 0; i + 1 < f->data.size(); i += 2) pids.insert(common::load_le16(common::as_bytes(f->data) + i));
  }
  const proto::Field* set = msg.field(proto::FieldType::Set);
  std::string out;
  for (const auto& [digest, rec] : records_) {
    if (!pids.count(common::partition_id(digest).value)) continue;
    if (set && set->data != rec.set) continue;
    proto::MsgHeader h;
    h.generation = rec.generation;
    size_t at = proto::append_msg_header(out, h);
    proto::append_field(out, proto::FieldType::Namespace, "test");
    proto::append_field(out, proto::FieldType::Digest, digest.view());
    proto::append_field(out, proto::FieldType::Set, rec.set);
    for (const auto& [name, value] : rec.bins) proto::append_op(out, proto::OpType::Read, value.particle(), name, value.bytes());
    proto::patch_msg_counts(out, at, 3, uint16_t(rec.bins.size()));
  }
  return out + header_only(0, proto::info3::kLast);
}

}  // namespace client_test
