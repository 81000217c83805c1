# wirefeed: a static, non-root image.
#   docker build -t wirefeed .
#   docker run -p 8080:8080 -v wirefeed-data:/data wirefeed
# The image's config (deploy/config.docker.yaml) keeps the database in /data;
# mount your own config over /etc/wirefeed/config.yaml.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# Pure Go (SQLite included): no cgo, so the binary runs on an empty image.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/wirefeed ./cmd/wirefeed \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=build /out/wirefeed /usr/local/bin/wirefeed
COPY --from=build --chown=nonroot:nonroot /out/data /data
COPY deploy/config.docker.yaml /etc/wirefeed/config.yaml
USER nonroot:nonroot
ENV WIREFEED_CONFIG=/etc/wirefeed/config.yaml
EXPOSE 8080
VOLUME ["/data"]
ENTRYPOINT ["/usr/local/bin/wirefeed"]
CMD ["run"]
