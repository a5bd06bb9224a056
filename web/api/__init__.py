"""The JSON API of the partner systems (`/api/v1`, `routes`) and its OpenAPI document (`openapi`)."""
