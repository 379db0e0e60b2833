import type { UploadResponse } from '../../../common/protocol.js';
import { byTestId, h } from '../app/dom.js';
import type { ServerConnection } from '../app/serverConnection.js';
import { errorText } from '../data/errorText.js';
import { formatBytes, formatShape } from '../data/format.js';

type UploadStatus = 'queued' | 'uploading' | 'done' | 'error';

/**
 * Uploads files chosen with the picker or dropped on the drop zone, one after another, each with
 * its own progress bar and, when the server refuses it, the server's reason.
 */
export class UploadPanel {
  private readonly list: HTMLElement;
  private queue = Promise.resolve();

  constructor(
    root: HTMLElement,
    private readonly server: ServerConnection,
    private readonly onUploaded: (info: UploadResponse) => void,
  ) {
    this.list = byTestId('upload-list', root);
    const input = byTestId<HTMLInputElement>('upload-input', root);
    const dropzone = byTestId('upload-dropzone', root);
    input.addEventListener('change', () => {
      this.enqueue([...(input.files ?? [])]);
      input.value = '';
    });
    dropzone.addEventListener('dragover', (event) => {
      event.preventDefault();
      dropzone.classList.add('dragging');
    });
    dropzone.addEventListener('dragleave', () => dropzone.classList.remove('dragging'));
    dropzone.addEventListener('drop', (event) => {
      event.preventDefault();
      dropzone.classList.remove('dragging');
      this.enqueue([...(event.dataTransfer?.files ?? [])]);
    });
    byTestId('upload-clear', root).addEventListener('click', () => {
      for (const item of this.list.querySelectorAll<HTMLElement>('[data-status="done"], [data-status="error"]')) item.remove();
    });
  }

  private enqueue(files: File[]): void {
    for (const file of files) {
      const row = new UploadRow(file);
      this.list.prepend(row.element);
      this.queue = this.queue.then(() => this.upload(file, row));
    }
  }

  private async upload(file: File, row: UploadRow): Promise<void> {
    row.set('uploading', 'uploading…');
    try {
      const info = await this.server.client.uploadFile({ body: file, name: file.name }, ({ loaded, total }) =>
        row.progress(loaded, total ?? file.size),
      );
      row.progress(1, 1);
      row.set('done', `#${info.index} · ${formatShape(info.shape)} ${info.dtype}`);
      this.onUploaded(info);
    } catch (error) {
      row.set('error', errorText(error));
    }
  }
}

class UploadRow {
  readonly element: HTMLElement;
  private readonly bar: HTMLProgressElement;
  private readonly message: HTMLElement;

  constructor(file: File) {
    this.bar = h('progress', { 'data-testid': 'upload-progress', max: '1', value: '0' });
    this.message = h('span', { class: 'upload-message', 'data-testid': 'upload-message' }, 'queued');
    this.element = h(
      'li',
      { class: 'upload-item', 'data-testid': 'upload-item', 'data-name': file.name, 'data-status': 'queued' },
      h('span', { class: 'upload-name', title: file.name }, file.name),
      h('span', { class: 'upload-size' }, formatBytes(file.size)),
      this.bar,
      this.message,
    );
  }

  set(status: UploadStatus, message: string): void {
    this.element.dataset.status = status;
    this.message.textContent = message;
    this.message.title = message;
  }

  progress(loaded: number, total: number): void {
    this.bar.value = total > 0 ? loaded / total : 0;
  }
}
