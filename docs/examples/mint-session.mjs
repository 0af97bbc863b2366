// Mint a Gatehouse portal session for the signed-in user (your portal's backend, Node + jose).
// Usage: SESSION_SECRET=... node mint-session.mjs  -> prints the token
import { SignJWT } from "jose";

export async function mintSession(user) {
  return new SignJWT({
    email: user.email,
    name: user.fullName,
    phone_number: user.phoneNumber,
    provider_org_id: user.orgId, // your organization id, shared by its users
    role: user.role, // owner | admin | manager | team_member | custom
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(user.id)
    .setIssuer("https://portal.example") // = SESSION_ISSUER
    .setAudience("gatehouse") // = SESSION_AUDIENCE
    .setIssuedAt()
    .setNotBefore("0s")
    .setExpirationTime("5m") // short-lived: at most SESSION_MAX_TTL_S (1 h)
    .sign(new TextEncoder().encode(process.env.SESSION_SECRET));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await mintSession({
    id: "u-2002", email: "tony@tonyspizza.example", fullName: "Tony Russo",
    phoneNumber: "+1-555-987-6543", orgId: "independent_tonys_pizza_main", role: "owner",
  }));
}
