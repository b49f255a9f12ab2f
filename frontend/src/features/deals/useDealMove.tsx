import { Alert, App, Button, Form, Input, Modal } from 'antd';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { StageRead } from '../../api/types';
import { FormModal } from '../../components/FormModal';
import { problemMessage, problemOf, type Problem } from '../../lib/problem';
import { useMoveDeal } from './api';
import { refusalItems } from './format';

/** What a move needs to know about the deal (a kanban card or a full deal). */
export interface MovableDeal {
  id: string;
  name: string;
  version: number;
}

interface Refusal {
  deal: MovableDeal;
  stage: StageRead;
  problem: Problem;
}

/** Lists every item a refused move lacks, in words (the server's 422 names each one). */
function RefusedModal({ refusal, onClose }: { refusal: Refusal; onClose: () => void }) {
  const { t } = useTranslation();
  const items = refusalItems(refusal.problem, t);
  return (
    <Modal
      open
      title={t('deals.move.refusedTitle', { deal: refusal.deal.name, stage: refusal.stage.name })}
      onCancel={onClose}
      footer={
        <Button type="primary" onClick={onClose} data-testid="deal-move-refused-close">
          {t('deals.move.ok')}
        </Button>
      }
    >
      <Alert
        type="error"
        showIcon
        data-testid="deal-move-refused"
        title={items.length > 0 ? t('deals.move.refusedIntro', { count: items.length }) : problemMessage(refusal.problem, t)}
        description={
          items.length > 0 ? (
            <ul style={{ margin: 0, paddingLeft: 20 }}>
              {items.map((item, index) => (
                <li key={index} data-testid="deal-move-missing">
                  {item}
                </li>
              ))}
            </ul>
          ) : undefined
        }
      />
    </Modal>
  );
}

function LostReasonModal({ deal, stage, busy, onSubmit, onCancel }: { deal: MovableDeal; stage: StageRead; busy: boolean; onSubmit: (reason: string) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ lost_reason: string }>();
  // No server errors here: the move flow below reports a failed move (RefusedModal or a message).
  return (
    <FormModal
      title={t('deals.move.lostTitle', { deal: deal.name, stage: stage.name })}
      okText={t('deals.move.lostSubmit')}
      form={form}
      submitting={busy}
      onClose={onCancel}
      serverError={null}
      submitTestId="deal-lost-submit"
    >
      <div data-testid="deal-lost-modal">
        <Form form={form} layout="vertical" onFinish={(values) => onSubmit(values.lost_reason.trim())}>
          <Form.Item
            name="lost_reason"
            label={t('deals.fields.lost_reason')}
            rules={[{ required: true, whitespace: true, message: t('deals.move.lostReasonRequired') }, { max: 2000 }]}
          >
            <Input.TextArea rows={3} autoFocus data-testid="deal-lost-reason" />
          </Form.Item>
        </Form>
      </div>
    </FormModal>
  );
}

/**
 * The stage-move flow shared by the board and the deal page: a lost stage first asks for the
 * reason; a 422 (the gate of the stage being left, or no reason) opens a dialog naming every
 * missing item; other refusals (409, 412, 403) are shown as a message. Render `dialogs`.
 */
export function useDealMove(onMoved?: (stage: StageRead) => void) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const move = useMoveDeal();
  const [askLost, setAskLost] = useState<{ deal: MovableDeal; stage: StageRead } | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);

  const send = (deal: MovableDeal, stage: StageRead, lostReason?: string) =>
    move.mutate(
      { dealId: deal.id, body: { stage_id: stage.id, version: deal.version, ...(lostReason ? { lost_reason: lostReason } : {}) } },
      {
        onSuccess: () => {
          setAskLost(null);
          void message.success(t('deals.move.moved', { stage: stage.name }));
          onMoved?.(stage);
        },
        onError: (error) => {
          setAskLost(null);
          const problem = problemOf(error);
          if (problem.status === 422) setRefusal({ deal, stage, problem });
          else void message.error(problemMessage(problem, t));
        },
      },
    );

  const requestMove = (deal: MovableDeal, stage: StageRead) => {
    if (stage.kind === 'lost') setAskLost({ deal, stage });
    else send(deal, stage);
  };

  const pendingDealId = move.isPending ? move.variables?.dealId : undefined;
  const dialogs: ReactNode = (
    <>
      {askLost && (
        <LostReasonModal
          deal={askLost.deal}
          stage={askLost.stage}
          busy={move.isPending}
          onSubmit={(reason) => send(askLost.deal, askLost.stage, reason)}
          onCancel={() => setAskLost(null)}
        />
      )}
      {refusal && <RefusedModal refusal={refusal} onClose={() => setRefusal(null)} />}
    </>
  );
  return { requestMove, pendingDealId, dialogs };
}
