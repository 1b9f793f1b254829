"""Case 05: orders API fails on every request in production after a connection-string key was renamed."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import fixtures  # noqa: E402
from fixtures import Log, at, history, line_of  # noqa: E402

STORE = '''using Microsoft.Data.SqlClient;
using Microsoft.Extensions.Configuration;

namespace Acme.Orders.Data;

public sealed class OrderStore
{
    private readonly IConfiguration _config;

    public OrderStore(IConfiguration config) => _config = config;

    public SqlConnection Open()
    {
        var connection = new SqlConnection(_config.GetConnectionString("Orders"));
        connection.Open();
        return connection;
    }
}
'''

CONTROLLER = '''using Acme.Orders.Data;
using Microsoft.AspNetCore.Mvc;

namespace Acme.Orders.Api;

[ApiController]
[Route("orders")]
public sealed class OrdersController : ControllerBase
{
    private readonly OrderStore _store;

    public OrdersController(OrderStore store) => _store = store;

    [HttpGet("{id:int}")]
    public IActionResult Get(int id)
    {
        using var connection = _store.Open();
        return Ok(OrderQueries.ById(connection, id));
    }
}
'''

PROD_V1 = '''{
  "ConnectionStrings": {
    "Orders": "Server=orders-sql.prod.internal;Database=orders;Authentication=Active Directory Managed Identity"
  },
  "Logging": { "LogLevel": { "Default": "Information" } }
}
'''
PROD_V2 = PROD_V1.replace('"Orders":', '"OrdersDb":').replace("orders-sql.prod.internal", "orders-sql-02.prod.internal")
STAGING = PROD_V1.replace("prod", "staging")


def trace() -> str:
    return (
        "System.InvalidOperationException: The ConnectionString property has not been initialized.\n"
        "   at Microsoft.Data.SqlClient.SqlConnection.PermissionDemand()\n"
        "   at Microsoft.Data.SqlClient.SqlConnectionFactory.PermissionDemand(DbConnection outerConnection)\n"
        "   at Microsoft.Data.SqlClient.SqlConnection.Open()\n"
        f"   at Acme.Orders.Data.OrderStore.Open() in /src/Acme.Orders/Data/OrderStore.cs:line {line_of(STORE, 'connection.Open()')}\n"
        f"   at Acme.Orders.Api.OrdersController.Get(Int32 id) in /src/Acme.Orders/Api/OrdersController.cs:line "
        f"{line_of(CONTROLLER, '_store.Open()')}\n"
        "   at lambda_method12(Closure, Object, Object[])\n"
        "   at Microsoft.AspNetCore.Mvc.Infrastructure.ActionMethodExecutor.SyncActionResultExecutor.Execute()"
    )


def build(dest: Path) -> None:
    app = "src/Acme.Orders"
    repo = history(dest, [
        ("Grace Okafor", "2026-10-05T10:00:00+00:00", "Orders API: read orders from SQL Server",
         {f"{app}/Data/OrderStore.cs": STORE, f"{app}/Api/OrdersController.cs": CONTROLLER,
          f"{app}/appsettings.Production.json": PROD_V1, f"{app}/appsettings.Staging.json": STAGING}),
        ("Diego Alvarez", "2026-10-20T13:15:00+00:00", "Point production at the new orders-sql-02 cluster (OrdersDb)",
         {f"{app}/appsettings.Production.json": PROD_V2}),
    ])
    repo.tag("v3.8.0", "2026-10-21T16:30:00+00:00")
    log = Log()
    log.text(at("2026-10-21T16:40:12"), "INFO", "Microsoft.Hosting.Lifetime",
             "Application started. Hosting environment: Production; orders-api version 3.8.0")
    for n in range(60):
        ts = at("2026-10-21T16:20:00") + (at("2026-10-21T16:20:40") - at("2026-10-21T16:20:00")) * n
        if ts < at("2026-10-21T16:40:12"):
            log.text(ts, "INFO", "Acme.Orders.Api.OrdersController", f"GET /orders/{4100 + n} 200 in 18 ms")
        else:
            log.text(ts, "ERROR", "Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware",
                     f"An unhandled exception has occurred while executing the request GET /orders/{4100 + n}.\n"
                     + trace())
    log.save(dest, "logs/orders-api.log")


if __name__ == "__main__":
    fixtures.cli(build)
