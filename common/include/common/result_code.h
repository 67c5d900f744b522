#pragma once
// Aerospike result codes, exactly as they travel in byte 5 of the AS_MSG header.
// On the wire: append, never renumber.

#include <cstdint>
#include <string_view>

namespace common {

enum class ResultCode : uint8_t {
  Ok = 0,
  ServerError = 1,
  NotFound = 2,
  Generation = 3,
  Parameter = 4,
  RecordExists = 5,
  BinExists = 6,
  ClusterKeyMismatch = 7,
  OutOfSpace = 8,
  Timeout = 9,
  Unavailable = 11,
  IncompatibleType = 12,
  RecordTooBig = 13,
  KeyBusy = 14,
  QueryAbort = 15,
  UnsupportedFeature = 16,
  BinNotFound = 17,
  DeviceOverload = 18,
  KeyMismatch = 19,
  Namespace = 20,
  BinName = 21,
  Forbidden = 22,
  ElementNotFound = 23,
  ElementExists = 24,
  EnterpriseOnly = 25,
  OpNotApplicable = 26,
  FilteredOut = 27,
  LostConflict = 28,
  XdrKeyBusy = 32,
  QueryEnd = 50,  // admin protocol: the end of a user or role query's answer
  SecurityNotSupported = 51,
  SecurityNotEnabled = 52,
  SecuritySchemeNotSupported = 53,
  InvalidCommand = 54,
  InvalidField = 55,
  IllegalState = 56,
  InvalidUser = 60,
  UserAlreadyExists = 61,
  InvalidPassword = 62,
  ExpiredPassword = 63,
  ForbiddenPassword = 64,
  InvalidCredential = 65,
  ExpiredSession = 66,
  InvalidRole = 70,
  RoleAlreadyExists = 71,
  InvalidPrivilege = 72,
  InvalidWhitelist = 73,
  QuotasNotEnabled = 74,
  InvalidQuota = 75,
  NotAuthenticated = 80,
  RoleViolation = 81,
  NotWhitelisted = 82,
  QuotaExceeded = 83,
  UdfExecution = 100,
  BatchDisabled = 150,
  BatchMaxRequests = 151,
  BatchQueuesFull = 152,
  GeoInvalidGeojson = 160,
  SindexFound = 200,
  SindexNotFound = 201,
  SindexNotReadable = 203,
  SindexMaxCount = 206,
};

// Short lowercase name used in logs and info error strings.
std::string_view result_code_name(ResultCode code);

}  // namespace common
