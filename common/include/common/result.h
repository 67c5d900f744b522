#pragma once
// Result<T>: a value, or an Aerospike result code with a message. Fallible server and
// xdr functions return it instead of throwing (style.md, "Errors").

#include <string>
#include <utility>
#include <variant>

#include "common/result_code.h"

namespace common {

struct Error {
  ResultCode code = ResultCode::ServerError;
  std::string message;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}
  Result(Error error) : state_(std::move(error)) {}
  Result(ResultCode code, std::string message = {}) : state_(Error{code, std::move(message)}) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(state_); }
  const T& value() const { return std::get<0>(state_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(state_); }
  ResultCode code() const { return ok() ? ResultCode::Ok : error().code; }

 private:
  std::variant<T, Error> state_;
};

// Status: a Result without a value.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ResultCode code, std::string message = {}) : code_(code), message_(std::move(message)) {}
  static Status ok_status() { return {}; }
  bool ok() const { return code_ == ResultCode::Ok; }
  explicit operator bool() const { return ok(); }
  ResultCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  ResultCode code_ = ResultCode::Ok;
  std::string message_;
};

}  // namespace common
