// A filled account form is never lost by a slip (issue 28): leaving the page, reloading or closing
// the tab while the form holds anything the source typed or chose asks first. Once the account is
// stored the form leaves the page, and so does the warning. Nothing is kept anywhere.

/** The form's values as one string, files by name, to tell whether anything changed since the page loaded. */
function formState(form: HTMLFormElement): string {
  return JSON.stringify([...new FormData(form)].map(([name, value]) => [name, typeof value === 'string' ? value : value.name]));
}

export function warnBeforeLeavingFilled(form: HTMLFormElement): void {
  const untouched = formState(form);
  window.addEventListener('beforeunload', (event) => {
    if (!form.isConnected || formState(form) === untouched) return;
    event.preventDefault();
  });
}
