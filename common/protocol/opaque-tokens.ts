// Bearer tokens the server hands out (moderator sessions, invitations) and the hashes it keeps
// instead of them, so that a copy of the database opens no session and accepts no invitation.
import { sha256 } from './digest.js';
import { type SodiumSumo } from './sodium-sumo.js';

const TOKEN_BYTES = 32;

/** 32 random bytes, base64url without padding: safe in a cookie and in a URL path. */
export function newOpaqueToken(sodium: SodiumSumo): string {
  return sodium.to_base64(sodium.randombytes_buf(TOKEN_BYTES), sodium.base64_variants.URLSAFE_NO_PADDING);
}

/** What the sessions table keys a session by. */
export function sessionIdHash(sessionId: string): Uint8Array {
  return sha256(sessionId);
}

/** What the invitations table keeps of an invitation's token (domain-separated from sessions). */
export function invitationTokenHash(token: string): Uint8Array {
  return sha256(`offscript/invitation/v1:${token}`);
}

/** What passkey_origin_links keeps of a link's token (issue 25), domain-separated like the others. */
export function originLinkTokenHash(token: string): Uint8Array {
  return sha256(`offscript/origin-link/v1:${token}`);
}
