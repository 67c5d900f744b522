#include "common/result_code.h"

namespace common {

std::string_view result_code_name(ResultCode code) {
  switch (code) {
    case ResultCode::Ok: return "ok";
    case ResultCode::ServerError: return "server error";
    case ResultCode::NotFound: return "record not found";
    case ResultCode::Generation: return "generation mismatch";
    case ResultCode::Parameter: return "parameter error";
    case ResultCode::RecordExists: return "record exists";
    case ResultCode::BinExists: return "bin exists";
    case ResultCode::ClusterKeyMismatch: return "cluster key mismatch";
    case ResultCode::OutOfSpace: return "out of space";
    case ResultCode::Timeout: return "timeout";
    case ResultCode::Unavailable: return "unavailable";
    case ResultCode::IncompatibleType: return "incompatible type";
    case ResultCode::RecordTooBig: return "record too big";
    case ResultCode::KeyBusy: return "key busy";
    case ResultCode::QueryAbort: return "query aborted";
    case ResultCode::UnsupportedFeature: return "unsupported feature";
    case ResultCode::BinNotFound: return "bin not found";
    case ResultCode::DeviceOverload: return "device overload";
    case ResultCode::KeyMismatch: return "key mismatch";
    case ResultCode::Namespace: return "namespace not found";
    case ResultCode::BinName: return "bad bin name";
    case ResultCode::Forbidden: return "forbidden";
    case ResultCode::ElementNotFound: return "element not found";
    case ResultCode::ElementExists: return "element exists";
    case ResultCode::EnterpriseOnly: return "enterprise only";
    case ResultCode::OpNotApplicable: return "op not applicable";
    case ResultCode::FilteredOut: return "filtered out";
    case ResultCode::LostConflict: return "lost conflict";
    case ResultCode::XdrKeyBusy: return "xdr key busy";
    case ResultCode::QueryEnd: return "query end";
    case ResultCode::SecurityNotSupported: return "security not supported";
    case ResultCode::SecurityNotEnabled: return "security not enabled";
    case ResultCode::SecuritySchemeNotSupported: return "security scheme not supported";
    case ResultCode::InvalidCommand: return "invalid command";
    case ResultCode::InvalidField: return "invalid field";
    case ResultCode::IllegalState: return "illegal state";
    case ResultCode::InvalidUser: return "invalid user";
    case ResultCode::UserAlreadyExists: return "user already exists";
    case ResultCode::InvalidPassword: return "invalid password";
    case ResultCode::ExpiredPassword: return "expired password";
    case ResultCode::ForbiddenPassword: return "forbidden password";
    case ResultCode::InvalidCredential: return "invalid credential";
    case ResultCode::ExpiredSession: return "expired session";
    case ResultCode::InvalidRole: return "invalid role";
    case ResultCode::RoleAlreadyExists: return "role already exists";
    case ResultCode::InvalidPrivilege: return "invalid privilege";
    case ResultCode::InvalidWhitelist: return "invalid whitelist";
    case ResultCode::QuotasNotEnabled: return "quotas not enabled";
    case ResultCode::InvalidQuota: return "invalid quota";
    case ResultCode::NotAuthenticated: return "not authenticated";
    case ResultCode::RoleViolation: return "role violation";
    case ResultCode::NotWhitelisted: return "not whitelisted";
    case ResultCode::QuotaExceeded: return "quota exceeded";
    case ResultCode::UdfExecution: return "udf execution error";
    case ResultCode::BatchDisabled: return "batch disabled";
    case ResultCode::BatchMaxRequests: return "batch max requests exceeded";
    case ResultCode::BatchQueuesFull: return "batch queues full";
    case ResultCode::GeoInvalidGeojson: return "invalid geojson";
    case ResultCode::SindexFound: return "index exists";
    case ResultCode::SindexNotFound: return "index not found";
    case ResultCode::SindexNotReadable: return "index not readable";
    case ResultCode::SindexMaxCount: return "too many indexes";
  }
  return "unknown";
}

}  // namespace common
