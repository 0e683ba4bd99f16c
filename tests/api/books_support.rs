//! Helpers of the books tests: a company with its people, and the documents they write.

use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{expect_status, spawn_app, Company, TestApp};

/// A signed-up company with a customer and a vendor.
pub struct Books {
    pub app: TestApp,
    pub company: Company,
    pub customer_id: String,
    pub vendor_id: String,
}

impl Books {
    pub async fn start() -> Books {
        let app = spawn_app().await;
        let company = app.signup("advanced").await;
        let admin = company.admin_token.clone();
        let customer = expect_status(
            send(
                &app,
                Method::POST,
                &path(&company, "customers"),
                &admin,
                &json!({"name": "Dupont SARL"}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
        let vendor = expect_status(
            send(
                &app,
                Method::POST,
                &path(&company, "vendors"),
                &admin,
                &json!({"name": "Point P"}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
        Books {
            customer_id: customer["id"].as_str().unwrap().to_owned(),
            vendor_id: vendor["id"].as_str().unwrap().to_owned(),
            app,
            company,
        }
    }

    pub fn path(&self, rest: &str) -> String {
        path(&self.company, rest)
    }

    pub fn admin(&self) -> &str {
        &self.company.admin_token
    }

    pub async fn call(&self, method: Method, rest: &str, token: &str, body: &Value) -> Response {
        send(&self.app, method, &self.path(rest), token, body).await
    }

    pub async fn get(&self, rest: &str, token: &str) -> Response {
        self.app
            .client
            .get(self.app.url(&self.path(rest)))
            .bearer_auth(token)
            .send()
            .await
            .expect("request sent")
    }

    /// A call that must answer `status`; its body.
    pub async fn expect(
        &self,
        call: (Method, &str),
        token: &str,
        body: &Value,
        status: StatusCode,
    ) -> Value {
        expect_status(self.call(call.0, call.1, token, body).await, status).await
    }

    /// A call that must be refused with `status` and `code`; its body.
    pub async fn refused(
        &self,
        call: (Method, &str),
        token: &str,
        body: &Value,
        (status, code): (StatusCode, &str),
    ) -> Value {
        crate::helpers::expect_error(self.call(call.0, call.1, token, body).await, status, code)
            .await
    }

    /// GET that must succeed.
    pub async fn read(&self, rest: &str) -> Value {
        expect_status(self.get(rest, self.admin()).await, StatusCode::OK).await
    }

    pub fn invoice_body(&self, date: &str, unit_price_cents: i64) -> Value {
        json!({
            "customer_id": self.customer_id,
            "date": date,
            "lines": [
                {"description": "Pose de carrelage", "quantity": 2, "unit_price_cents": unit_price_cents, "vat_rate_bp": 2000},
                {"description": "Déplacement", "quantity": 1.5, "unit_price_cents": 1000, "vat_rate_bp": 1000}
            ]
        })
    }

    pub fn bill_body(&self, date: &str, unit_price_cents: i64) -> Value {
        json!({
            "vendor_id": self.vendor_id,
            "date": date,
            "lines": [{"description": "Sable", "quantity": 3, "unit_price_cents": unit_price_cents, "vat_rate_bp": 2000}]
        })
    }

    /// A draft invoice created by `token`.
    pub async fn draft_invoice(&self, token: &str, date: &str) -> Value {
        let body = self.invoice_body(date, 10_000);
        expect_status(
            self.call(Method::POST, "invoices", token, &body).await,
            StatusCode::CREATED,
        )
        .await
    }

    /// A sent invoice created and sent by `token`.
    pub async fn sent_invoice(&self, token: &str, date: &str) -> Value {
        let invoice = self.draft_invoice(token, date).await;
        let rest = format!("invoices/{}/send", invoice["id"].as_str().unwrap());
        expect_status(
            self.call(Method::POST, &rest, token, &json!({})).await,
            StatusCode::OK,
        )
        .await
    }

    pub async fn draft_bill(&self, token: &str, date: &str) -> Value {
        let body = self.bill_body(date, 5_000);
        expect_status(
            self.call(Method::POST, "bills", token, &body).await,
            StatusCode::CREATED,
        )
        .await
    }

    pub async fn trial_balance(&self) -> Value {
        self.read("reports/trial-balance?at=2100-01-01").await
    }

    pub async fn set_closing_date(&self, date: &str) {
        let current = self.read("closing-date").await;
        let body = json!({"closing_date": date, "version": current["version"]});
        let response = self
            .call(Method::PUT, "closing-date", self.admin(), &body)
            .await;
        expect_status(response, StatusCode::OK).await;
    }
}

pub fn path(company: &Company, rest: &str) -> String {
    format!("/v1/companies/{}/{rest}", company.id)
}

pub async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: &Value,
) -> Response {
    app.client
        .request(method, app.url(path))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .expect("request sent")
}

pub fn id(value: &Value) -> String {
    value["id"].as_str().expect("an id").to_owned()
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Rows of a table, read straight from the test's database: for facts the API does not show
/// (self-conflicts are read by the seat auditor).
pub fn count_rows(app: &TestApp, table: &str) -> i64 {
    use diesel::{Connection, RunQueryDsl};
    let query = format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM {table}");
    let counted: Count = if app.database_url.starts_with("postgres") {
        let mut conn = diesel::PgConnection::establish(&app.database_url).expect("database");
        diesel::sql_query(query)
            .get_result(&mut conn)
            .expect("count")
    } else {
        let path = app.database_url.trim_start_matches("sqlite://");
        let mut conn = diesel::SqliteConnection::establish(path).expect("database");
        diesel::sql_query(query)
            .get_result(&mut conn)
            .expect("count")
    };
    counted.n
}
