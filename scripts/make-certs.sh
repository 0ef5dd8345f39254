#!/usr/bin/env bash
# Makes the certificates for mTLS between the suite's services
# (docs/security.md) with openssl:
#
#   ca.pem / ca-key.pem          a private CA (the key signs, nothing else
#                                needs it: keep it out of the pods)
#   server.pem / server-key.pem  the services' certificate: serverAuth and
#                                clientAuth, SANs localhost, 127.0.0.1, ::1 and
#                                the Kubernetes Service names of deploy/
#                                (catalog, account, jobs, assistant, with their
#                                namespace and cluster-local forms)
#   client.pem / client-key.pem  a client certificate (cactl, front ends,
#                                load generator): clientAuth only
#
# usage: scripts/make-certs.sh OUT_DIR [DAYS]
# Existing files in OUT_DIR are kept (run again after deleting them to
# rotate). Keys are written 0600. NAMESPACES (default "codingahead
# codingahead-dev") sets the namespaces named in the SANs.
set -euo pipefail

out="${1:?usage: make-certs.sh OUT_DIR [DAYS]}"
days="${2:-825}"
namespaces="${NAMESPACES:-codingahead codingahead-dev}"
mkdir -p "$out"
umask 077

if [[ -s "$out/ca.pem" && -s "$out/server.pem" && -s "$out/client.pem" ]]; then
  exit 0
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

sans="DNS:localhost,IP:127.0.0.1,IP:::1"
for svc in catalog account jobs assistant; do
  sans+=",DNS:$svc"
  for ns in $namespaces; do
    sans+=",DNS:$svc.$ns,DNS:$svc.$ns.svc,DNS:$svc.$ns.svc.cluster.local"
  done
done

# The CA: EC P-256, only for signing certificates.
openssl ecparam -name prime256v1 -genkey -noout -out "$out/ca-key.pem"
openssl req -x509 -new -key "$out/ca-key.pem" -sha256 -days "$days" \
  -subj "/O=Coding Ahead/CN=Coding Ahead internal CA" \
  -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out "$out/ca.pem" 2>/dev/null

# issue NAME CN EXTENDED_KEY_USAGE [SANS]
issue() {
  local name="$1" cn="$2" eku="$3" san="${4:-}"
  openssl ecparam -name prime256v1 -genkey -noout -out "$out/$name-key.pem"
  openssl req -new -key "$out/$name-key.pem" -subj "/O=Coding Ahead/CN=$cn" \
    -out "$tmp/$name.csr" 2>/dev/null
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature"
    echo "extendedKeyUsage=$eku"
    [[ -n "$san" ]] && echo "subjectAltName=$san"
  } >"$tmp/$name.ext"
  openssl x509 -req -in "$tmp/$name.csr" -CA "$out/ca.pem" -CAkey "$out/ca-key.pem" \
    -CAcreateserial -CAserial "$tmp/ca.srl" -days "$days" -sha256 \
    -extfile "$tmp/$name.ext" -out "$out/$name.pem" 2>/dev/null
}

issue server "codingahead services" "serverAuth,clientAuth" "$sans"
issue client "codingahead client" "clientAuth"
chmod 0644 "$out/ca.pem" "$out/server.pem" "$out/client.pem"
chmod 0600 "$out/ca-key.pem" "$out/server-key.pem" "$out/client-key.pem"
