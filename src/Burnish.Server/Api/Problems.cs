using Microsoft.AspNetCore.Http;

namespace Burnish.Server.Api;

/// <summary>Every refusal as RFC 9457 problem details: a status, a one-line detail, and the list of problems where there are several.</summary>
public static class Problems
{
    public static IResult Status(int status, string detail, IReadOnlyList<string>? problems = null) =>
        Results.Problem(detail: detail, statusCode: status,
            extensions: problems is null ? null : new Dictionary<string, object?> { ["problems"] = problems });

    public static IResult BadRequest(string detail) => Status(StatusCodes.Status400BadRequest, detail);

    public static IResult NotFound(string what) => Status(StatusCodes.Status404NotFound, $"{what} not found");

    public static IResult TooLarge(string detail) => Status(StatusCodes.Status413PayloadTooLarge, detail);
}
