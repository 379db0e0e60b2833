import { byTestId } from './dom.js';

/** Asks in the page's own modal dialog (window.confirm would block the stream and the tests). */
export function confirmAction(message: string, confirmLabel: string): Promise<boolean> {
  const dialog = byTestId<HTMLDialogElement>('confirm-dialog');
  byTestId('confirm-message', dialog).textContent = message;
  byTestId('confirm-ok', dialog).textContent = confirmLabel;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true }));
}
