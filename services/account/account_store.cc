#include "services/account/account_store.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"

namespace codingahead::account {
namespace {

constexpr char kAccountColumns[] =
    "id, email, display_name, password_hash, plan_id, "
    "(extract(epoch from created_at) * 1000000)::bigint, "
    "(extract(epoch from updated_at) * 1000000)::bigint, "
    "accepted_terms_version, "
    "(extract(epoch from accepted_terms_at) * 1000000)::bigint";

std::string Timestamp(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E6S+00", t, absl::UTCTimeZone());
}

AccountRecord RecordFromRow(const pqxx::row& row) {
  AccountRecord record;
  record.id = row[0].as<int64_t>();
  record.email = row[1].as<std::string>();
  record.display_name = row[2].as<std::string>();
  record.password_hash = row[3].as<std::string>();
  record.plan_id = row[4].as<std::string>();
  record.created_at = absl::FromUnixMicros(row[5].as<int64_t>());
  record.updated_at = absl::FromUnixMicros(row[6].as<int64_t>());
  if (!row[7].is_null()) {
    record.accepted_terms_version = row[7].as<std::string>();
    record.accepted_terms_at = absl::FromUnixMicros(row[8].as<int64_t>());
  }
  return record;
}

void InsertAudit(pqxx::work& txn, const AuditEvent& event, absl::Time now) {
  txn.exec_params(
      "INSERT INTO audit_log (at, account_id, event, details) "
      "VALUES ($1::timestamptz, NULLIF($2::bigint, 0), $3, $4::jsonb)",
      Timestamp(now), event.account_id, event.event, AuditDetailsJson(event.details));
}

absl::StatusOr<std::optional<AccountRecord>> FindOne(common::PostgresPool& pool,
                                                     const std::string& where,
                                                     const std::string& value) {
  return pool.WithTransaction([&](pqxx::work& txn) -> absl::StatusOr<std::optional<AccountRecord>> {
    pqxx::result rows = txn.exec_params(
        absl::StrCat("SELECT ", kAccountColumns, " FROM accounts WHERE ", where), value);
    if (rows.empty()) return std::optional<AccountRecord>();
    return std::optional<AccountRecord>(RecordFromRow(rows[0]));
  });
}

}  // namespace

std::string AuditDetailsJson(const std::vector<std::pair<std::string, std::string>>& details) {
  std::string json = "{";
  for (size_t i = 0; i < details.size(); ++i) {
    if (i > 0) json += ",";
    json += "\"";
    common::AppendJsonEscaped(details[i].first, &json);
    json += "\":\"";
    common::AppendJsonEscaped(details[i].second, &json);
    json += "\"";
  }
  json += "}";
  return json;
}

absl::StatusOr<AccountRecord> PostgresAccountStore::Create(const NewAccount& account,
                                                           const AuditEvent& audit,
                                                           absl::Time now) {
  absl::StatusOr<AccountRecord> created =
      pool_->WithTransaction([&](pqxx::work& txn) -> absl::StatusOr<AccountRecord> {
        pqxx::result rows =
            txn.exec_params(absl::StrCat("INSERT INTO accounts (email, display_name, "
                                         "password_hash, plan_id, "
                                         "created_at, updated_at) VALUES ($1, $2, $3, $4, "
                                         "$5::timestamptz, "
                                         "$5::timestamptz) RETURNING ",
                                         kAccountColumns),
                            account.email, account.display_name, account.password_hash,
                            account.plan_id, Timestamp(now));
        AccountRecord record = RecordFromRow(rows[0]);
        AuditEvent event = audit;
        event.account_id = record.id;
        InsertAudit(txn, event, now);
        return record;
      });
  if (created.status().code() == absl::StatusCode::kAlreadyExists) {
    return absl::AlreadyExistsError("an account with this email already exists");
  }
  return created;
}

absl::StatusOr<std::optional<AccountRecord>> PostgresAccountStore::FindByEmail(
    const std::string& email) {
  return FindOne(*pool_, "email = $1", email);
}

absl::StatusOr<std::optional<AccountRecord>> PostgresAccountStore::FindById(int64_t id) {
  return FindOne(*pool_, "id = $1::bigint", absl::StrCat(id));
}

absl::StatusOr<AccountRecord> PostgresAccountStore::ChangePlan(int64_t id,
                                                               const std::string& plan_id,
                                                               const std::string& reason,
                                                               absl::Time now) {
  return pool_->WithTransaction([&](pqxx::work& txn) -> absl::StatusOr<AccountRecord> {
    pqxx::result before =
        txn.exec_params("SELECT plan_id FROM accounts WHERE id = $1 FOR UPDATE", id);
    if (before.empty()) return absl::NotFoundError(absl::StrCat("no account with id ", id));
    std::string from = before[0][0].as<std::string>();
    pqxx::result rows = txn.exec_params(
        absl::StrCat("UPDATE accounts SET plan_id = $2, updated_at = $3::timestamptz "
                     "WHERE id = $1 RETURNING ",
                     kAccountColumns),
        id, plan_id, Timestamp(now));
    InsertAudit(
        txn, AuditEvent{id, "plan_change", {{"from", from}, {"to", plan_id}, {"reason", reason}}},
        now);
    return RecordFromRow(rows[0]);
  });
}

absl::Status PostgresAccountStore::Audit(const AuditEvent& event, absl::Time now) {
  return pool_->WithTransaction([&](pqxx::work& txn) -> absl::Status {
    InsertAudit(txn, event, now);
    return absl::OkStatus();
  });
}

absl::Status PostgresAccountStore::UpdatePasswordHash(int64_t id, const std::string& password_hash,
                                                      const AuditEvent& audit, absl::Time now) {
  return pool_->WithTransaction([&](pqxx::work& txn) -> absl::Status {
    pqxx::result rows = txn.exec_params(
        "UPDATE accounts SET password_hash = $2, updated_at = $3::timestamptz "
        "WHERE id = $1 RETURNING id",
        id, password_hash, Timestamp(now));
    if (rows.empty()) return absl::NotFoundError(absl::StrCat("no account with id ", id));
    AuditEvent event = audit;
    event.account_id = id;
    InsertAudit(txn, event, now);
    return absl::OkStatus();
  });
}

absl::StatusOr<AccountRecord> PostgresAccountStore::AcceptTerms(
    int64_t id, const std::string& terms_version,
    const std::vector<std::pair<std::string, std::string>>& audit_details, absl::Time now) {
  return pool_->WithTransaction([&](pqxx::work& txn) -> absl::StatusOr<AccountRecord> {
    pqxx::result rows =
        txn.exec_params(absl::StrCat("UPDATE accounts SET accepted_terms_version = $2, "
                                     "accepted_terms_at = $3::timestamptz, "
                                     "updated_at = $3::timestamptz WHERE id = $1 RETURNING ",
                                     kAccountColumns),
                        id, terms_version, Timestamp(now));
    if (rows.empty()) return absl::NotFoundError(absl::StrCat("no account with id ", id));
    std::vector<std::pair<std::string, std::string>> details = {{"terms_version", terms_version}};
    details.insert(details.end(), audit_details.begin(), audit_details.end());
    InsertAudit(txn, AuditEvent{id, "terms_accepted", details}, now);
    return RecordFromRow(rows[0]);
  });
}

absl::StatusOr<std::vector<Plan>> LoadPlans(common::PostgresPool& pool) {
  return pool.WithTransaction([](pqxx::work& txn) -> absl::StatusOr<std::vector<Plan>> {
    pqxx::result rows = txn.exec(
        "SELECT id, display_name, views_per_period, view_period, "
        "unmetered_views, "
        "sections_visible, questions_per_day, unmetered_questions, consultant "
        "FROM plans ORDER BY id");
    std::vector<Plan> plans;
    for (const pqxx::row& row : rows) {
      Plan plan;
      plan.id = row[0].as<std::string>();
      plan.display_name = row[1].as<std::string>();
      plan.views_per_period = row[2].as<int32_t>();
      absl::StatusOr<ViewPeriod> period = ParseViewPeriod(row[3].as<std::string>());
      if (!period.ok()) return period.status();
      plan.view_period = *period;
      plan.unmetered_views = row[4].as<bool>();
      plan.sections_visible = row[5].as<bool>();
      plan.questions_per_day = row[6].as<int32_t>();
      plan.unmetered_questions = row[7].as<bool>();
      plan.consultant = row[8].as<bool>();
      plans.push_back(std::move(plan));
    }
    return plans;
  });
}

}  // namespace codingahead::account
