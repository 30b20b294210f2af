"""Reports and open data are public: the city's figures."""
from __future__ import annotations

from tests.access_matrix import Route, api_public, public

ROUTES = [
    Route("reports.dashboard", "GET", lambda c: "/dashboard", public()),
    Route("reports.evaluation", "GET", lambda c: "/evaluation?dimension=environment", public()),
    Route("reports.evaluation_download", "GET", lambda c: "/evaluation.xlsx", public()),
    Route("api_reports.realisation", "GET", lambda c: "/api/v1/reports/realisation", api_public()),
    Route("api_reports.realisation_csv", "GET", lambda c: "/api/v1/reports/realisation.csv", api_public()),
    Route("api_reports.summary", "GET", lambda c: "/api/v1/reports/summary", api_public()),
    Route("api_reports.commitments_csv", "GET", lambda c: "/api/v1/reports/commitments.csv", api_public()),
    Route("api_reports.evaluation", "GET", lambda c: "/api/v1/reports/evaluation", api_public()),
    Route("api_reports.evaluation_csv", "GET", lambda c: "/api/v1/reports/evaluation.csv", api_public()),
    Route("api_reports.proposals_by_kelurahan", "GET", lambda c: "/api/v1/reports/proposals-by-kelurahan", api_public()),
    Route("api_reports.proposals_by_kelurahan_csv", "GET", lambda c: "/api/v1/reports/proposals-by-kelurahan.csv",
          api_public()),
    Route("api_reports.partner_network", "GET", lambda c: "/api/v1/reports/partner-network", api_public()),
    Route("api_reports.partner_network_csv", "GET", lambda c: "/api/v1/reports/partner-network.csv", api_public()),
]
