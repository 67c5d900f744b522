#include "error_text.h"

#include "client/errors.h"

namespace aql {

using common::ResultCode;

std::string_view result_code_symbol(ResultCode code) {
  switch (code) {
    case ResultCode::Ok: return "AEROSPIKE_OK";
    case ResultCode::ServerError: return "AEROSPIKE_ERR_SERVER";
    case ResultCode::NotFound: return "AEROSPIKE_ERR_RECORD_NOT_FOUND";
    case ResultCode::Generation: return "AEROSPIKE_ERR_RECORD_GENERATION";
    case ResultCode::Parameter: return "AEROSPIKE_ERR_REQUEST_INVALID";
    case ResultCode::RecordExists: return "AEROSPIKE_ERR_RECORD_EXISTS";
    case ResultCode::BinExists: return "AEROSPIKE_ERR_BIN_EXISTS";
    case ResultCode::ClusterKeyMismatch: return "AEROSPIKE_ERR_CLUSTER_CHANGE";
    case ResultCode::OutOfSpace: return "AEROSPIKE_ERR_SERVER_FULL";
    case ResultCode::Timeout: return "AEROSPIKE_ERR_TIMEOUT";
    case ResultCode::Unavailable: return "AEROSPIKE_ERR_CLUSTER";
    case ResultCode::IncompatibleType: return "AEROSPIKE_ERR_BIN_INCOMPATIBLE_TYPE";
    case ResultCode::RecordTooBig: return "AEROSPIKE_ERR_RECORD_TOO_BIG";
    case ResultCode::KeyBusy: return "AEROSPIKE_ERR_RECORD_BUSY";
    case ResultCode::QueryAbort: return "AEROSPIKE_ERR_SCAN_ABORTED";
    case ResultCode::UnsupportedFeature: return "AEROSPIKE_ERR_UNSUPPORTED_FEATURE";
    case ResultCode::BinNotFound: return "AEROSPIKE_ERR_BIN_NOT_FOUND";
    case ResultCode::DeviceOverload: return "AEROSPIKE_ERR_DEVICE_OVERLOAD";
    case ResultCode::KeyMismatch: return "AEROSPIKE_ERR_RECORD_KEY_MISMATCH";
    case ResultCode::Namespace: return "AEROSPIKE_ERR_NAMESPACE_NOT_FOUND";
    case ResultCode::BinName: return "AEROSPIKE_ERR_BIN_NAME";
    case ResultCode::Forbidden: return "AEROSPIKE_ERR_FAIL_FORBIDDEN";
    case ResultCode::ElementNotFound: return "AEROSPIKE_ERR_FAIL_ELEMENT_NOT_FOUND";
    case ResultCode::ElementExists: return "AEROSPIKE_ERR_FAIL_ELEMENT_EXISTS";
    case ResultCode::EnterpriseOnly: return "AEROSPIKE_ERR_ENTERPRISE_ONLY";
    case ResultCode::OpNotApplicable: return "AEROSPIKE_ERR_OP_NOT_APPLICABLE";
    case ResultCode::FilteredOut: return "AEROSPIKE_FILTERED_OUT";
    case ResultCode::LostConflict: return "AEROSPIKE_LOST_CONFLICT";
    case ResultCode::XdrKeyBusy: return "AEROSPIKE_XDR_KEY_BUSY";
    case ResultCode::QueryEnd: return "AEROSPIKE_QUERY_END";
    case ResultCode::SecurityNotSupported: return "AEROSPIKE_SECURITY_NOT_SUPPORTED";
    case ResultCode::SecurityNotEnabled: return "AEROSPIKE_SECURITY_NOT_ENABLED";
    case ResultCode::SecuritySchemeNotSupported: return "AEROSPIKE_SECURITY_SCHEME_NOT_SUPPORTED";
    case ResultCode::InvalidCommand: return "AEROSPIKE_INVALID_COMMAND";
    case ResultCode::InvalidField: return "AEROSPIKE_INVALID_FIELD";
    case ResultCode::IllegalState: return "AEROSPIKE_ILLEGAL_STATE";
    case ResultCode::InvalidUser: return "AEROSPIKE_INVALID_USER";
    case ResultCode::UserAlreadyExists: return "AEROSPIKE_USER_ALREADY_EXISTS";
    case ResultCode::InvalidPassword: return "AEROSPIKE_INVALID_PASSWORD";
    case ResultCode::ExpiredPassword: return "AEROSPIKE_EXPIRED_PASSWORD";
    case ResultCode::ForbiddenPassword: return "AEROSPIKE_FORBIDDEN_PASSWORD";
    case ResultCode::InvalidCredential: return "AEROSPIKE_INVALID_CREDENTIAL";
    case ResultCode::ExpiredSession: return "AEROSPIKE_EXPIRED_SESSION";
    case ResultCode::InvalidRole: return "AEROSPIKE_INVALID_ROLE";
    case ResultCode::RoleAlreadyExists: return "AEROSPIKE_ROLE_ALREADY_EXISTS";
    case ResultCode::InvalidPrivilege: return "AEROSPIKE_INVALID_PRIVILEGE";
    case ResultCode::InvalidWhitelist: return "AEROSPIKE_INVALID_WHITELIST";
    case ResultCode::QuotasNotEnabled: return "AEROSPIKE_QUOTAS_NOT_ENABLED";
    case ResultCode::InvalidQuota: return "AEROSPIKE_INVALID_QUOTA";
    case ResultCode::NotAuthenticated: return "AEROSPIKE_NOT_AUTHENTICATED";
    case ResultCode::RoleViolation: return "AEROSPIKE_ROLE_VIOLATION";
    case ResultCode::NotWhitelisted: return "AEROSPIKE_NOT_WHITELISTED";
    case ResultCode::QuotaExceeded: return "AEROSPIKE_QUOTA_EXCEEDED";
    case ResultCode::UdfExecution: return "AEROSPIKE_ERR_UDF";
    case ResultCode::BatchDisabled: return "AEROSPIKE_ERR_BATCH_DISABLED";
    case ResultCode::BatchMaxRequests: return "AEROSPIKE_ERR_BATCH_MAX_REQUESTS_EXCEEDED";
    case ResultCode::BatchQueuesFull: return "AEROSPIKE_ERR_BATCH_QUEUES_FULL";
    case ResultCode::GeoInvalidGeojson: return "AEROSPIKE_ERR_GEO_INVALID_GEOJSON";
    case ResultCode::SindexFound: return "AEROSPIKE_ERR_INDEX_FOUND";
    case ResultCode::SindexNotFound: return "AEROSPIKE_ERR_INDEX_NOT_FOUND";
    case ResultCode::SindexNotReadable: return "AEROSPIKE_ERR_INDEX_NOT_READABLE";
    case ResultCode::SindexMaxCount: return "AEROSPIKE_ERR_INDEX_MAXCOUNT";
  }
  return "AEROSPIKE_ERR";
}

Failure client_failure(const common::Error& error) {
  if (error.code == ResultCode::UdfExecution && !error.message.empty()) return {error.code, error.message};
  std::string message(result_code_symbol(error.code));
  bool says_more = client::is_client_error(error.message) && error.code != ResultCode::Namespace &&
                   error.code != ResultCode::Timeout;
  if (says_more) message += ": " + error.message.substr(client::kClientErrorPrefix.size());
  return {error.code, std::move(message)};
}

Failure connect_failure(const common::Error& error) {
  // The client words a node's refusal with its code and address (client::Client::connect).
  bool refused = !client::is_client_error(error.message) && !error.message.empty() &&
                 error.code >= ResultCode::SecurityNotSupported && error.code <= ResultCode::NotWhitelisted;
  if (refused) return local_failure(error.message);
  return client_failure(error);
}

std::string error_line(const Failure& failure) {
  if (!failure.code) return "Error: " + failure.message;
  return "Error: (" + std::to_string(int(*failure.code)) + ") " + failure.message;
}

}  // namespace aql
