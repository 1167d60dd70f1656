// Administrators: invitations, verification and grants (after comparing fingerprints),
// disabling, rotation and the watch list. Every key operation happens here, in the browser,
// and seals only to keys this browser trusts (DESIGN §3 pinning).
import { fromBase64, toBase64 } from '../../../common/protocol/encoding.js';
import { generateIntakeKeyPair } from '../../../common/protocol/intake-key.js';
import { moderatorKeyFingerprint, signVerification, trustedMembers, type ModeratorPublicKeys } from '../../../common/protocol/key-verification.js';
import { wrapIntakeSecretKey } from '../../../common/protocol/moderator-keys.js';
import { api, asSodium, element, moderatorKeysForTab, say, sodiumReady, unlockIntakeKeys, type SodiumSumo } from './console.js';
import type { IntakeKeyRotationView, InvitationView, ProposalView, TeamChangeOutcomeView, TeamMember, TeamView } from '../../../common/moderation/team-view.js';
import { freshAssertion } from './webauthn.js';
import { openWatchList, sealWatchList } from './watch-list.js';
import { describeError } from '../error-words.js';
import { startPage } from './page-start.js';

type Member = TeamMember;

/** A team change another administrator must approve first (issue 26): the server answers 202 with the proposal. */
const isProposal = (answer: object): answer is ProposalView => 'proposal' in answer;
const PROPOSED = 'Proposed: another administrator must approve it (with their passkey) before it takes effect. They see it under "Waiting for a second administrator".';

function publicKeysOf(sodium: SodiumSumo, member: Pick<Member, 'boxPublicKey' | 'signPublicKey'>): ModeratorPublicKeys | null {
  if (!member.boxPublicKey || !member.signPublicKey) return null;
  return { boxPublicKey: fromBase64(asSodium(sodium), member.boxPublicKey), signPublicKey: fromBase64(asSodium(sodium), member.signPublicKey) };
}

/** The team as the server lists it, and which members this browser trusts (pinning, DESIGN §3). */
async function loadTeam(sodium: SodiumSumo, selfId: string): Promise<{ members: Member[]; trusted: Map<string, string> }> {
  const own = await moderatorKeysForTab(sodium);
  const { members, verifications } = await api<TeamView>('/mod/api/team');
  const trusted = trustedMembers(
    sodium,
    { id: selfId, keys: { boxPublicKey: own.boxKeyPair.publicKey, signPublicKey: own.signKeyPair.publicKey } },
    members.map((m) => ({ id: m.id, handle: m.handle, administrator: m.role === 'administrator' && m.status === 'active', keys: publicKeysOf(sodium, m) })),
    verifications.map((v) => ({ verifierId: v.verifierId, subjectId: v.subjectId, signature: fromBase64(asSodium(sodium), v.signature) })),
  );
  return { members, trusted };
}

export function initTeam(): void {
  const status = element('team-status');
  const selfId = element('team-page').dataset.selfId ?? '';
  const fail = (error: unknown) => say(status, describeError(error, 'That did not work.'));

  element<HTMLFormElement>('invite-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      try {
        const answer = await api<InvitationView | ProposalView>('/mod/api/team/invitations', 'POST', {
          handle: element<HTMLInputElement>('invite-handle').value.trim(),
          role: element<HTMLSelectElement>('invite-role').value,
        });
        say(element('invite-result'), isProposal(answer) ? PROPOSED : `Send this one-time link (valid 48 hours) by a private channel: ${answer.url}`);
      } catch (error) {
        say(element('invite-result'), describeError(error, 'Invitation failed.'));
      }
    })();
  });

  const panel = element('grant-panel');
  const confirmed = element<HTMLInputElement>('grant-confirmed');
  const confirm = element<HTMLButtonElement>('grant-confirm');
  let pending: { id: string; keys: ModeratorPublicKeys; grant: boolean } | undefined;
  confirmed.addEventListener('change', () => (confirm.disabled = !confirmed.checked));
  element('grant-cancel').addEventListener('click', () => {
    pending = undefined;
    panel.hidden = true;
  });

  const openPanel = (button: HTMLButtonElement, grant: boolean) => {
    void sodiumReady.then((sodium) => {
      const keys = publicKeysOf(sodium, { boxPublicKey: button.dataset.boxPublicKey ?? null, signPublicKey: button.dataset.signPublicKey ?? null });
      if (!keys) return;
      pending = { id: button.dataset.memberId!, keys, grant };
      // Computed here from the keys the browser will sign and seal to, not taken from the server's page.
      element('grant-fingerprint').textContent = moderatorKeyFingerprint(asSodium(sodium), keys);
      element('grant-handle').textContent = button.dataset.handle!;
      confirm.textContent = grant ? 'Seal the intake keys to them' : 'Record that I verified them';
      confirmed.checked = false;
      confirm.disabled = true;
      panel.hidden = false;
      panel.focus();
    });
  };
  for (const button of document.querySelectorAll<HTMLButtonElement>('.grant-button')) button.addEventListener('click', () => openPanel(button, true));

  confirm.addEventListener('click', () => {
    void (async () => {
      if (!pending) return;
      try {
        const sodium = await sodiumReady;
        const own = await moderatorKeysForTab(sodium);
        // The comparison just made, signed: later rotations and grants seal to these keys only.
        const signature = signVerification(sodium, pending.id, pending.keys, own.signKeyPair.privateKey);
        await api(`/mod/api/team/${pending.id}/verification`, 'POST', { signature: toBase64(asSodium(sodium), signature) });
        if (pending.grant) {
          const ring = await unlockIntakeKeys(sodium);
          const grants = [...ring.keys].map(([intakeKeyId, pair]) => ({
            intakeKeyId,
            wrappedSecretKey: toBase64(asSodium(sodium), wrapIntakeSecretKey(sodium, pair.privateKey, pending!.keys.boxPublicKey)),
          }));
          const answer = await api<object>(`/mod/api/team/${pending.id}/grants`, 'POST', { grants, assertion: grants.length > 0 ? await freshAssertion() : undefined });
          if (isProposal(answer)) {
            say(status, PROPOSED);
            panel.hidden = true;
            return;
          }
        }
        location.reload();
      } catch (error) {
        fail(error);
      }
    })();
  });

  // Each row says, from this browser's own checks, whose keys it trusts; the others can be verified.
  void (async () => {
    try {
      const sodium = await sodiumReady;
      const { members, trusted } = await loadTeam(sodium, selfId);
      const handles = new Map(members.map((m) => [m.id, m.handle]));
      for (const member of members) {
        const cell = document.querySelector<HTMLElement>(`tr[data-member-id="${CSS.escape(member.id)}"] .verification`);
        if (!cell || !member.boxPublicKey) continue;
        const by = trusted.get(member.id);
        cell.textContent = by === 'self' ? 'you' : by ? `verified by ${handles.get(by) ?? 'an administrator'}` : 'not verified';
        if (by || member.status !== 'active') continue;
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'secondary verify-button';
        button.textContent = `Verify ${member.handle}`;
        Object.assign(button.dataset, { memberId: member.id, handle: member.handle, boxPublicKey: member.boxPublicKey, signPublicKey: member.signPublicKey ?? '' });
        button.addEventListener('click', () => openPanel(button, !member.holdsCurrentKey));
        cell.append(' ', button);
      }
    } catch (error) {
      fail(error);
    }
  })();

  for (const button of document.querySelectorAll<HTMLButtonElement>('.disable-button')) {
    button.addEventListener('click', () => {
      if (!confirm_(`Disable ${button.dataset.handle}? Their sessions end now and their keys are deleted.`)) return;
      void api<object>(`/mod/api/team/${button.dataset.memberId}/disable`, 'POST').then((answer) => (isProposal(answer) ? say(status, PROPOSED) : location.reload()), fail);
    });
  }

  for (const button of document.querySelectorAll<HTMLButtonElement>('.reenrol-button')) {
    button.addEventListener('click', () => {
      if (!confirm_(`Re-enrol ${button.dataset.handle}? Their keys, passkeys and grants are deleted now; they enrol again from a new link.`)) return;
      void api<InvitationView | ProposalView>(`/mod/api/team/${button.dataset.memberId}/reenrol`, 'POST').then(
        (answer) =>
          say(
            status,
            isProposal(answer)
              ? PROPOSED
              : `Send ${button.dataset.handle} this one-time link (valid 48 hours) by a private channel: ${answer.url} — then compare their new fingerprint and grant the key again.`,
          ),
        fail,
      );
    });
  }

  element('rotate-key').addEventListener('click', () => {
    if (!confirm_('Make a new intake key and seal it to every moderator whose key is verified?')) return;
    void (async () => {
      try {
        const sodium = await sodiumReady;
        const ring = await unlockIntakeKeys(sodium);
        const terms = await openWatchList(sodium, ring);
        const { members, trusted } = await loadTeam(sodium, selfId);
        if (trusted.get(selfId) !== 'self') throw new Error('The server lists keys for you that are not yours: do not continue, and tell the other administrators.');
        const active = members.filter((m) => m.status === 'active' && m.boxPublicKey);
        // Pinning: only keys this browser trusts receive the new key; the others are named instead.
        const sealTo = active.filter((m) => trusted.has(m.id));
        const unverified = active.filter((m) => !trusted.has(m.id)).map((m) => m.handle);
        const fresh = generateIntakeKeyPair(asSodium(sodium));
        const grants = sealTo.map((m) => ({
          moderatorId: m.id,
          wrappedSecretKey: toBase64(asSodium(sodium), wrapIntakeSecretKey(sodium, fresh.privateKey, fromBase64(asSodium(sodium), m.boxPublicKey!))),
        }));
        const answer = await api<IntakeKeyRotationView | ProposalView>('/mod/api/intake-keys', 'POST', {
          publicKey: toBase64(asSodium(sodium), fresh.publicKey),
          grants,
          ...(terms.length ? { watchList: sealWatchList(sodium, terms, fresh.publicKey) } : {}),
        });
        sodium.memzero(fresh.privateKey);
        if (isProposal(answer)) return say(status, PROPOSED);
        const { fingerprint } = answer;
        const left = unverified.length
          ? ` Not sealed to ${unverified.join(', ')}: no administrator you trust has verified their keys. Compare their fingerprints and grant them below.`
          : '';
        say(status, `New intake key in use; fingerprint ${fingerprint}. Sealed to ${sealTo.map((m) => m.handle).join(', ')}.${left}`);
      } catch (error) {
        fail(error);
      }
    })();
  });

  // Proposals another administrator made: approve with a fresh passkey assertion, or refuse.
  for (const button of document.querySelectorAll<HTMLButtonElement>('.approve-change')) {
    button.addEventListener('click', () => {
      void (async () => {
        try {
          const outcome = await api<TeamChangeOutcomeView>(`/mod/api/team-changes/${button.dataset.changeId}/approve`, 'POST', { assertion: await freshAssertion() });
          if (outcome.url) return say(status, `Approved. Send this one-time link (valid 48 hours) by a private channel: ${outcome.url}`);
          location.reload();
        } catch (error) {
          fail(error);
        }
      })();
    });
  }
  for (const button of document.querySelectorAll<HTMLButtonElement>('.refuse-change, .withdraw-change')) {
    const event = button.classList.contains('refuse-change') ? 'refuse' : 'withdraw';
    button.addEventListener('click', () => void api(`/mod/api/team-changes/${button.dataset.changeId}/${event}`, 'POST').then(() => location.reload(), fail));
  }
  for (const button of document.querySelectorAll<HTMLButtonElement>('.role-button')) {
    button.addEventListener('click', () => {
      if (!confirm_(`${button.textContent ?? 'Change the role'}? You confirm with your passkey.`)) return;
      void freshAssertion()
        .then((assertion) => api<object>(`/mod/api/team/${button.dataset.memberId}/role`, 'POST', { role: button.dataset.role, assertion }))
        .then((answer) => (isProposal(answer) ? say(status, PROPOSED) : location.reload()), fail);
    });
  }
  for (const button of document.querySelectorAll<HTMLButtonElement>('.confirm-invitation')) {
    button.addEventListener('click', () => {
      void freshAssertion()
        .then((assertion) => api(`/mod/api/team/${button.dataset.memberId}/confirm`, 'POST', { assertion }))
        .then(() => location.reload(), fail);
    });
  }

  const watchList = element<HTMLTextAreaElement>('watch-list');
  // Locked until the sealed list is opened, so that nothing typed is overwritten by the load.
  watchList.disabled = true;
  void (async () => {
    try {
      const sodium = await sodiumReady;
      watchList.value = (await openWatchList(sodium, await unlockIntakeKeys(sodium))).join('\n');
    } catch (error) {
      fail(error);
    } finally {
      watchList.disabled = false;
    }
  })();
  element('save-watch-list').addEventListener('click', () => {
    void (async () => {
      try {
        const sodium = await sodiumReady;
        const ring = await unlockIntakeKeys(sodium);
        const current = ring.currentId && ring.keys.get(ring.currentId);
        if (!ring.currentId || !current) throw new Error('You do not hold the current intake key.');
        const terms = watchList.value.split('\n').map((t) => t.trim()).filter(Boolean);
        await api('/mod/api/watch-list', 'PUT', { intakeKeyId: ring.currentId, ciphertext: sealWatchList(sodium, terms, current.publicKey) });
        say(status, `Watch list saved (${terms.length} terms), sealed to the intake key.`);
      } catch (error) {
        fail(error);
      }
    })();
  });
}

// window.confirm, named so that tests can answer it through the page's dialog event.
function confirm_(question: string): boolean {
  return window.confirm(question);
}

// The page's own bundle entry (scripts/build.mjs).
startPage('mod-team', initTeam);
