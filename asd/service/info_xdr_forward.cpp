// XDR through asd's service port, as on Aerospike 5+: `get-stats`, `get-config` and
// `set-config` with context=xdr, sent to asd, are answered by the node's xdr daemon. asd
// forwards the command to xdr's info port on loopback (xdr-info-port) and answers what xdr
// answers, so tools that know only port 3000 see XDR. These commands run on the scan pool
// (dispatch.cpp is_long_running), where waiting for xdr blocks no client.

#include <chrono>
#include <optional>
#include <utility>  // boost 1.74 asio/awaitable.hpp needs std::exchange declared first

#include <boost/asio.hpp>

#include "common/bytes.h"
#include "proto/frame.h"
#include "service/info_values.h"
#include "service/node_context.h"

namespace asd {

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

constexpr auto kXdrAnswerTimeout = std::chrono::seconds(3);

// One info command to 127.0.0.1:port; the value, or nullopt with *error set.
std::optional<std::string> ask(uint16_t port, std::string_view command, std::string* error) {
  asio::io_context io;
  tcp::socket socket(io);
  std::string request = proto::make_info_request({std::string(command)});
  std::string header(proto::kProtoHeaderSize, '\0');
  std::string body;
  boost::system::error_code result = asio::error::timed_out;
  bool done = false;
  socket.async_connect({asio::ip::make_address("127.0.0.1"), port}, [&](boost::system::error_code ec) {
    if (ec) {
      result = ec;
      done = true;
      return;
    }
    asio::async_write(socket, asio::buffer(request), [&](boost::system::error_code ec, size_t) {
      if (ec) {
        result = ec;
        done = true;
        return;
      }
      asio::async_read(socket, asio::buffer(header), [&](boost::system::error_code ec, size_t) {
        if (ec) {
          result = ec;
          done = true;
          return;
        }
        uint64_t size = common::load_be64(common::as_bytes(header)) & 0xFFFFFFFFFFFFull;
        if (size > (1u << 24)) {
          result = asio::error::message_size;
          done = true;
          return;
        }
        body.resize(size);
        asio::async_read(socket, asio::buffer(body), [&](boost::system::error_code ec, size_t) {
          result = ec;
          done = true;
        });
      });
    });
  });
  io.run_for(kXdrAnswerTimeout);
  if (!done || result) {
    *error = done ? result.message() : "no answer within 3 s";
    return std::nullopt;
  }
  for (auto& [cmd, value] : proto::parse_info_answer(body)) {
    if (cmd == command) return value;
  }
  *error = "answer without the command";
  return std::nullopt;
}

}  // namespace

bool is_xdr_command(const proto::InfoCommand& cmd) {
  if (cmd.name != "get-stats" && cmd.name != "get-config" && cmd.name != "set-config") return false;
  return info_param(cmd, "context") == "xdr";
}

std::string forward_to_xdr(NodeContext& node, const proto::InfoCommand& cmd) {
  const conf::Xdr& xdr = node.config().xdr;
  if (!xdr.enable_xdr) return "ERROR:4:xdr is not enabled on this node";
  std::string error;
  std::optional<std::string> answer = ask(uint16_t(xdr.info_port), cmd.text, &error);
  if (!answer) {
    return "ERROR:4:xdr does not answer on 127.0.0.1:" + std::to_string(xdr.info_port) + " (" + error + ")";
  }
  return *answer;
}

}  // namespace asd
