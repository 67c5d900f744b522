#pragma once
// The admin protocol (proto type 2) on a client connection: requests framed for the
// socket, answers read back. The codec itself is proto/admin.h, shared with asd. Private
// to the client module.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "proto/admin.h"

namespace client {

class Connection;

namespace admin {

// One request proto (header included): `command` with `fields`, in order.
std::string request(proto::AdminCommand command, proto::AdminFields fields);

// Sends `request` and reads the answer's body (one admin message); ServerError when what
// comes back is not an admin proto.
common::Result<std::string> exchange(Connection& conn, const std::string& request, uint64_t deadline_ms);

// A node's refusal of a login, an admin command or a whole info request, worded the same
// for every caller (the tools print it as is): "invalid credential (65) from 10.0.0.5:3000".
common::Error refusal(common::ResultCode code, std::string_view host);
// An answer body `exchange` returned, parsed (views into `body`); ServerError when it is
// not one well-formed admin message.
common::Result<proto::AdminMessage> parse_answer(const Connection& conn, std::string_view body);

}  // namespace admin
}  // namespace client
