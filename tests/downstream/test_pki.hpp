// A throwaway PKI for TLS tests, made at run time with the OpenSSL C API (no
// checked-in keys, no openssl command): a self-signed CA, and leaf
// certificates it signs, written as PEM files into a directory.
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

namespace mcp::test {

struct PemPair {
  std::filesystem::path cert;
  std::filesystem::path key;
};

class TestPki {
 public:
  // Writes the CA certificate to dir/<name>-ca.pem.
  TestPki(std::filesystem::path dir, const std::string& name) : dir_(std::move(dir)), name_(name) {
    ca_key_.reset(new_key());
    ca_.reset(make_cert(name + " test CA", 1, ca_key_.get(), nullptr, nullptr,
                        {{NID_basic_constraints, "critical,CA:TRUE"},
                         {NID_key_usage, "critical,keyCertSign,cRLSign"},
                         {NID_subject_key_identifier, "hash"}}));
    ca_file = dir_ / (name + "-ca.pem");
    write_cert(ca_file, ca_.get());
  }

  // A server certificate for 127.0.0.1 and localhost, or a client one.
  PemPair issue(const std::string& common_name, long serial, bool server) {
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(new_key(), EVP_PKEY_free);
    std::unique_ptr<X509, decltype(&X509_free)> cert(
        make_cert(common_name, serial, key.get(), ca_.get(), ca_key_.get(),
                  {{NID_basic_constraints, "critical,CA:FALSE"},
                   {NID_key_usage, "critical,digitalSignature"},
                   {NID_ext_key_usage, server ? "serverAuth" : "clientAuth"},
                   {NID_subject_alt_name, server ? "IP:127.0.0.1,DNS:localhost" : "DNS:client.test"},
                   {NID_authority_key_identifier, "keyid"}}),
        X509_free);
    PemPair out{dir_ / (name_ + "-" + common_name + "-cert.pem"), dir_ / (name_ + "-" + common_name + "-key.pem")};
    write_cert(out.cert, cert.get());
    write_key(out.key, key.get());
    return out;
  }

  std::filesystem::path ca_file;

 private:
  struct Ext {
    int nid;
    const char* value;
  };

  static EVP_PKEY* new_key() {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    if (!key) throw std::runtime_error("EVP_EC_gen failed");
    return key;
  }

  // issuer null: self-signed with `key`.
  static X509* make_cert(const std::string& cn, long serial, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key,
                         std::initializer_list<Ext> extensions) {
    X509* x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 24 * 3600);
    X509_set_pubkey(x, key);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : X509_get_subject_name(x));
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer ? issuer : x, x, nullptr, nullptr, 0);
    for (const auto& e : extensions) {
      X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, e.nid, e.value);
      if (!ext) throw std::runtime_error(std::string("bad extension ") + e.value);
      X509_add_ext(x, ext, -1);
      X509_EXTENSION_free(ext);
    }
    if (X509_sign(x, issuer_key ? issuer_key : key, EVP_sha256()) == 0) throw std::runtime_error("X509_sign failed");
    return x;
  }

  static void write_cert(const std::filesystem::path& path, X509* cert) {
    std::unique_ptr<FILE, decltype(&std::fclose)> f(std::fopen(path.c_str(), "w"), std::fclose);
    if (!f || PEM_write_X509(f.get(), cert) != 1) throw std::runtime_error("cannot write " + path.string());
  }
  static void write_key(const std::filesystem::path& path, EVP_PKEY* key) {
    std::unique_ptr<FILE, decltype(&std::fclose)> f(std::fopen(path.c_str(), "w"), std::fclose);
    if (!f || PEM_write_PrivateKey(f.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
      throw std::runtime_error("cannot write " + path.string());
  }

  std::filesystem::path dir_;
  std::string name_;
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> ca_key_{nullptr, EVP_PKEY_free};
  std::unique_ptr<X509, decltype(&X509_free)> ca_{nullptr, X509_free};
};

}  // namespace mcp::test
