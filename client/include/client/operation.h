#pragma once
// Operations for Client::operate (wire-protocol.md §5.2). CDT payloads are msgpack built
// with proto/cdt_ops.h; they travel as blob particles.

#include <cstdint>
#include <string>

#include "client/value.h"
#include "proto/message.h"

namespace client {

struct Operation {
  proto::OpType type = proto::OpType::Read;
  std::string bin;
  Value value;

  static Operation read(std::string bin);
  // All bins (READ with an empty name; the request gets GET_ALL).
  static Operation read_all();
  static Operation write(std::string bin, Value value);
  static Operation incr(std::string bin, int64_t delta);
  static Operation incr(std::string bin, double delta);
  static Operation append(std::string bin, std::string text);
  static Operation prepend(std::string bin, std::string text);
  static Operation touch();
  static Operation delete_all();
  static Operation cdt_read(std::string bin, std::string msgpack_payload);
  static Operation cdt_modify(std::string bin, std::string msgpack_payload);

  // Read ops are 1, 3, 7, 12, 15; everything else writes.
  bool is_read() const;
  bool is_read_all() const { return type == proto::OpType::Read && bin.empty(); }
};

}  // namespace client
