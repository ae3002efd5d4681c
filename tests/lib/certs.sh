# tests/lib/certs.sh: test certificates (sourced by the remote and screen tests).

# A CA, a server certificate for 127.0.0.1 and a client certificate in $1
# (ca.pem, server.pem, server-key.pem, cert.pem, key.pem), as testing.md makes them;
# also an expired server certificate (old.pem, old-key.pem), an expired client
# certificate (oldcert.pem), and a second CA that signed nothing (other-ca.pem).
make_certs()
{
	local d=$1
	mkdir -p "$d" && (
		cd "$d" || exit 1
		openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out ca.pem -days 2 -subj /CN=test-ca
		openssl req -x509 -newkey rsa:2048 -nodes -keyout other-ca-key.pem -out other-ca.pem -days 2 -subj /CN=other-ca
		printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >srv.ext
		printf 'extendedKeyUsage=clientAuth\n' >cli.ext
		openssl req -new -newkey rsa:2048 -nodes -keyout server-key.pem -subj /CN=127.0.0.1 -out server.csr
		openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out server.pem -days 2 -extfile srv.ext
		openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out old.pem -days -1 -extfile srv.ext
		cp server-key.pem old-key.pem
		openssl req -new -newkey rsa:2048 -nodes -keyout key.pem -subj /CN=client -out client.csr
		openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out cert.pem -days 2 -extfile cli.ext
		openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out oldcert.pem -days -1 -extfile cli.ext
	) >"$d/openssl.log" 2>&1
}
