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
import { consoleWord } from './console-words.js';

type Member = TeamMember;

/** A team change another administrator must approve first (issue 26): the server answers 202 with the proposal. */
const isProposal = (answer: object): answer is ProposalView => 'proposal' in answer;
const proposed = (): string => consoleWord('team.proposed');

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
  const fail = (error: unknown) => say(status, describeError(error, consoleWord('common.failed')));

  element<HTMLFormElement>('invite-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      try {
        const answer = await api<InvitationView | ProposalView>('/mod/api/team/invitations', 'POST', {
          handle: element<HTMLInputElement>('invite-handle').value.trim(),
          role: element<HTMLSelectElement>('invite-role').value,
        });
        say(element('invite-result'), isProposal(answer) ? proposed() : consoleWord('team.sendLink', { url: answer.url }));
      } catch (error) {
        say(element('invite-result'), describeError(error, consoleWord('team.invitationFailed')));
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
      confirm.textContent = grant ? consoleWord('team.sealTo') : consoleWord('team.recordVerified');
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
            say(status, proposed());
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
        cell.textContent =
          by === 'self' ? consoleWord('team.you') : by ? consoleWord('team.verifiedBy', { handle: handles.get(by) ?? consoleWord('team.anAdministrator') }) : consoleWord('team.notVerified');
        if (by || member.status !== 'active') continue;
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'secondary verify-button';
        button.textContent = consoleWord('team.verify', { handle: member.handle });
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
      if (!confirm_(consoleWord('team.confirmDisable', { handle: button.dataset.handle ?? '' }))) return;
      void api<object>(`/mod/api/team/${button.dataset.memberId}/disable`, 'POST').then((answer) => (isProposal(answer) ? say(status, proposed()) : location.reload()), fail);
    });
  }

  for (const button of document.querySelectorAll<HTMLButtonElement>('.reenrol-button')) {
    button.addEventListener('click', () => {
      if (!confirm_(consoleWord('team.confirmReenrol', { handle: button.dataset.handle ?? '' }))) return;
      void api<InvitationView | ProposalView>(`/mod/api/team/${button.dataset.memberId}/reenrol`, 'POST').then(
        (answer) => say(status, isProposal(answer) ? proposed() : consoleWord('team.sendReenrolLink', { handle: button.dataset.handle ?? '', url: answer.url })),
        fail,
      );
    });
  }

  element('rotate-key').addEventListener('click', () => {
    if (!confirm_(consoleWord('team.confirmRotate'))) return;
    void (async () => {
      try {
        const sodium = await sodiumReady;
        const ring = await unlockIntakeKeys(sodium);
        const terms = await openWatchList(sodium, ring);
        const { members, trusted } = await loadTeam(sodium, selfId);
        if (trusted.get(selfId) !== 'self') throw new Error(consoleWord('team.notYours'));
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
        if (isProposal(answer)) return say(status, proposed());
        const { fingerprint } = answer;
        const left = unverified.length ? ` ${consoleWord('team.notSealedTo', { handles: unverified.join(', ') })}` : '';
        say(status, `${consoleWord('team.rotated', { fingerprint, handles: sealTo.map((m) => m.handle).join(', ') })}${left}`);
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
          if (outcome.url) return say(status, consoleWord('team.approvedSendLink', { url: outcome.url }));
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
      if (!confirm_(consoleWord('team.confirmRole', { change: button.textContent ?? '' }))) return;
      void freshAssertion()
        .then((assertion) => api<object>(`/mod/api/team/${button.dataset.memberId}/role`, 'POST', { role: button.dataset.role, assertion }))
        .then((answer) => (isProposal(answer) ? say(status, proposed()) : location.reload()), fail);
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
        if (!ring.currentId || !current) throw new Error(consoleWord('team.noCurrentKey'));
        const terms = watchList.value
          .split('\n')
          .map((t) => t.trim())
          .filter(Boolean);
        await api('/mod/api/watch-list', 'PUT', { intakeKeyId: ring.currentId, ciphertext: sealWatchList(sodium, terms, current.publicKey) });
        say(status, consoleWord('team.watchSaved', { count: terms.length }));
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
