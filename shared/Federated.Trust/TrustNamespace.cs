namespace Federated.Trust;

// The federation's trust material lives in this assembly; see docs/security.md for the whole picture.
// Ownership while issue 9 is built in parallel: Pki/ and Cms/ (certificates, revocation, signing,
// envelopes), Statements/ + Audit/ + Policy/ (what is signed, the audit chain, site policy).
internal static class TrustNamespace;
