# One image per service, built from the repository root:
#   docker build --build-arg PROJECT=services/Intake/PatientExperience.Intake.csproj -t pxp-intake .
# docker-compose.yml builds every service this way.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG PROJECT
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY contracts/ contracts/
COPY services/ services/
COPY gateway/ gateway/
# The gateway embeds the aggregated API description it serves at /openapi/v1.json.
COPY docs/openapi/ docs/openapi/
RUN dotnet publish "$PROJECT" -c Release -o /app --no-self-contained

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# Runs as the image's unprivileged user; SQLite data (when no MongoDB is configured) goes to /data.
ENV Storage__DataDirectory=/data ASPNETCORE_HTTP_PORTS=8080
USER $APP_UID
EXPOSE 8080 8081
ARG ASSEMBLY
ENV PXP_ASSEMBLY=${ASSEMBLY}
ENTRYPOINT ["sh", "-c", "exec dotnet \"$PXP_ASSEMBLY.dll\""]
